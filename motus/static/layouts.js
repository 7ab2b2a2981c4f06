// The on-screen keyboard's layouts, as SUTOM offers them. Only the 26 letters a guess
// can hold (accents are ignored); Enter and Backspace on the last row. A physical
// keyboard works whatever is chosen here.
"use strict";

window.MOTUS_LAYOUTS = {
  azerty: [["A", "Z", "E", "R", "T", "Y", "U", "I", "O", "P"],
           ["Q", "S", "D", "F", "G", "H", "J", "K", "L", "M"],
           ["ENTER", "W", "X", "C", "V", "B", "N", "BACK"]],
  // BÉPO without its accented and punctuation keys: the letters keep their places.
  bepo: [["B", "P", "O", "V", "D", "L", "J", "Z", "W"],
         ["A", "U", "I", "E", "C", "T", "S", "R", "N", "M"],
         ["ENTER", "Y", "X", "K", "Q", "G", "H", "F", "BACK"]],
  qwerty: [["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
           ["A", "S", "D", "F", "G", "H", "J", "K", "L"],
           ["ENTER", "Z", "X", "C", "V", "B", "N", "M", "BACK"]],
  qwertz: [["Q", "W", "E", "R", "T", "Z", "U", "I", "O", "P"],
           ["A", "S", "D", "F", "G", "H", "J", "K", "L"],
           ["ENTER", "Y", "X", "C", "V", "B", "N", "M", "BACK"]],
};
