# One image for the three Motus services (game, score, auth).
# The default command runs the game; docker-compose.yml picks the app factory of
# each service (motus_score.app:create_app, motus_auth.app:create_app).
# haproxy/ and redis/ are not in the image: they run from their official images.

# Pinned to an exact patch release on Debian 12, the same Debian as the dev machine.
# A build argument only so that the compose tests, which cannot pull images, can
# build on a local stand-in (tests/compose/compose.standins.yml); users get this one.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm
FROM ${PYTHON_IMAGE}

# No .pyc files (the code directory is read-only for the app user anyway) and
# unbuffered stdout/stderr so JSON log lines reach `docker compose logs` at once.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A fixed, unprivileged user with no home and no shell: the services never need root.
RUN groupadd --system --gid 10001 motus \
 && useradd --system --uid 10001 --gid motus --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin motus

# Dependencies first, in their own layer: editing the code does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# Then the project itself. --no-deps: everything it needs is already pinned above.
# The files stay root-owned, so the app user can read but never modify its code.
COPY pyproject.toml ./
COPY motus ./motus
COPY motus_score ./motus_score
COPY motus_auth ./motus_auth
COPY motus_kit ./motus_kit
COPY motus_stack ./motus_stack
RUN pip install --no-cache-dir --no-deps .

# Numeric uid:gid (the motus user above): runtimes that check runAsNonRoot, and
# volume owners on the host, only see numbers.
USER 10001:10001

EXPOSE 8000

# Liveness: the slim image has no curl or wget, so Python's urllib asks /healthz.
# urlopen raises on a refused connection, a timeout or any non-2xx status, which
# makes python exit 1 and docker count a failed check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

CMD ["python", "-m", "motus_kit.serve", "motus.app:create_app", "--host", "0.0.0.0", "--port", "8000"]
