(function () {
  var d = document.documentElement;
  var theme = null, contrast = null;
  try {
    theme = window.localStorage.getItem("motus-theme");
    contrast = window.localStorage.getItem("motus-contrast");
  } catch (e) { /* storage disabled: fall back to the system setting */ }
  d.dataset.theme = theme || (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  d.dataset.contrast = contrast || "normal";
})();
