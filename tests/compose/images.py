"""Stand-in base images for the compose tests, built here from Debian packages.

No container registry can be reached from these machines, so `haproxy:…`, `redis:…`
and `python:…` cannot be pulled. A Debian base is debootstrapped from the host's own
apt mirror and imported; HAProxy, Redis, Python, Prometheus and Redis-exporter
stand-ins are built on it
(standins/*.Containerfile). They are tagged under `motus-standin/`, never under the
upstream names, and docker-compose.yml keeps pinning the upstream images for users:
only tests/compose/compose.standins.yml points at these.

Built once and kept: an image is rebuilt only when its Containerfile (or the base
under it) changes, which its `motus.standin.hash` label records. The debootstrapped
tree is also kept as a tarball in the cache directory, so an engine with an empty
data root imports it in seconds instead of bootstrapping again.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).parent
NAMESPACE = "motus-standin"
SUITE = "bookworm"
HASH_LABEL = "motus.standin.hash"
# Package versions in the stand-ins (Debian 12), for the README and the test output.
STANDINS = {
    "haproxy": f"{NAMESPACE}/haproxy:debian-{SUITE}",
    "redis": f"{NAMESPACE}/redis:debian-{SUITE}",
    "python": f"{NAMESPACE}/python:debian-{SUITE}",
    "prometheus": f"{NAMESPACE}/prometheus:debian-{SUITE}",
    "redis-exporter": f"{NAMESPACE}/redis-exporter:debian-{SUITE}",
}
BASE = f"{NAMESPACE}/debian:{SUITE}"
EXTRA_CA_DIR = Path("/usr/local/share/ca-certificates")
DEFAULT_MIRROR = "http://deb.debian.org/debian"


def host_mirror(sources: Path = Path("/etc/apt")) -> str:
    """The Debian mirror the host's apt uses (deb822 or one-line sources), else deb.debian.org."""
    texts = [p.read_text() for p in sorted((sources / "sources.list.d").glob("*.sources"))]
    texts += [p.read_text() for p in [sources / "sources.list"] if p.exists()]
    for text in texts:
        for match in re.finditer(r"^(?:URIs:\s*|deb\s+(?:\[[^]]*\]\s+)?)(\S+)", text, re.MULTILINE):
            uri = match.group(1).rstrip("/")
            if "security" not in uri and "ubuntu" not in uri:
                return uri
    return DEFAULT_MIRROR


class Builder:
    def __init__(self, docker_env: Mapping[str, str], cache_dir: Path, log=print) -> None:
        self.env = dict(docker_env)
        self.cache_dir = cache_dir
        self.log = log

    def _docker(self, *args: str, input_file=None, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["docker", *args], env=self.env, stdin=input_file, capture_output=True, text=input_file is None,
            timeout=timeout,
        )  # fmt: skip

    def _label(self, image: str) -> str | None:
        done = self._docker("image", "inspect", "--format", f'{{{{index .Config.Labels "{HASH_LABEL}"}}}}', image)
        return done.stdout.strip() if done.returncode == 0 else None

    def build_all(self) -> dict[str, str]:
        """Every stand-in, built or found in the engine's cache: {kind: tag}."""
        base_hash = self.base()
        for kind, tag in STANDINS.items():
            self._standin(kind, tag, base_hash)
        return dict(STANDINS)

    def base(self) -> str:
        mirror = host_mirror()
        wanted = hashlib.sha256(f"{SUITE} {mirror} minbase v1".encode()).hexdigest()[:16]
        if self._label(BASE) == wanted:
            return wanted
        tarball = self.cache_dir / f"debian-{SUITE}-{wanted}.tar"
        if not tarball.exists():
            self._debootstrap(mirror, tarball)
        self.log(f"importing {tarball.name} as {BASE}")
        with tarball.open("rb") as fh:
            done = self._docker(
                "import", "--change", f"LABEL {HASH_LABEL}={wanted}", "--change", 'CMD ["bash"]', "-", BASE,
                input_file=fh,
            )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"docker import failed: {done.stderr!r}")
        return wanted

    def _debootstrap(self, mirror: str, tarball: Path) -> None:
        self.log(f"debootstrapping Debian {SUITE} from {mirror} (about a minute, once)")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="motus-rootfs-", dir=self.cache_dir) as root:
            subprocess.run(
                ["debootstrap", "--variant=minbase", SUITE, root, mirror],
                check=True, capture_output=True, timeout=900,
            )  # fmt: skip
            # Security and point-release updates, from the same host as the main archive.
            host = mirror.rsplit("/", 1)[0]
            (Path(root) / "etc/apt/sources.list").write_text(
                f"deb {mirror} {SUITE} main\ndeb {mirror} {SUITE}-updates main\n"
                f"deb {host}/debian-security {SUITE}-security main\n"
            )
            shutil.rmtree(Path(root) / "var/cache/apt/archives", ignore_errors=True)
            partial = tarball.with_suffix(".partial")
            subprocess.run(["tar", "-C", root, "-cf", str(partial), "."], check=True, timeout=300)
            partial.rename(tarball)

    def _standin(self, kind: str, tag: str, base_hash: str) -> None:
        containerfile = HERE / "standins" / f"{kind}.Containerfile"
        cas = sorted(EXTRA_CA_DIR.glob("*.crt")) if kind == "python" else []
        digest = hashlib.sha256(containerfile.read_bytes() + base_hash.encode())
        for ca in cas:
            digest.update(ca.read_bytes())
        wanted = digest.hexdigest()[:16]
        if self._label(tag) == wanted:
            return
        self.log(f"building {tag}")
        with tempfile.TemporaryDirectory(prefix="motus-standin-") as context:
            (Path(context) / "extra-ca").mkdir()
            for ca in cas:
                shutil.copy(ca, Path(context) / "extra-ca" / ca.name)
            shutil.copy(containerfile, Path(context) / "Containerfile")
            # The host's network: the tests' own engine has no default bridge.
            done = self._docker(
                "build", "-q", "--force-rm", "--network", "host", "-f", f"{context}/Containerfile",
                "--build-arg", f"BASE={BASE}", "--label", f"{HASH_LABEL}={wanted}", "-t", tag, context,
                timeout=900,
            )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"building {tag} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
