# The README's commands. Each installs what is missing first, so a fresh machine needs nothing by hand.
.PHONY: up up-monitoring down status test unit integration bench chaos lint dashboards

VENV := .venv/bin

up:  ## install what is missing, start the whole stack in the foreground (Ctrl-C stops it)
	@scripts/bootstrap.sh
	@$(VENV)/motus-stack up

up-monitoring:  ## the same, plus Prometheus (alert rules included) and a Redis exporter per store
	@scripts/bootstrap.sh --monitoring
	@$(VENV)/motus-stack up --monitoring

down:
	@$(VENV)/motus-stack down

status:
	@$(VENV)/motus-stack status

test:  ## install what is missing, then lint and run the whole suite (the compose suite too, as root)
	@scripts/bootstrap.sh --test --compose-if-root
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/pytest

unit:
	@scripts/bootstrap.sh --test
	$(VENV)/pytest tests/unit

integration:
	@scripts/bootstrap.sh --test
	$(VENV)/pytest tests/integration

bench:  ## numbers, not assertions: throughput against the machine's own ceilings, failover, delivery, monitoring
	@scripts/bootstrap.sh --test --bench
	$(VENV)/python -m bench.throughput
	$(VENV)/python -m bench.layers
	$(VENV)/python -m bench.logins
	$(VENV)/python -m bench.failover
	$(VENV)/python -m bench.delivery
	$(VENV)/python -m bench.monitoring

chaos:  ## every fault in turn (replicas, Redis primaries and replicas, a Sentinel, a reload) under players: one row each
	@scripts/bootstrap.sh --test
	$(VENV)/python -m bench.chaos

dashboards:  ## regenerate grafana/dashboards/*.json from the dashboards/ package
	@scripts/bootstrap.sh --test
	$(VENV)/python -m dashboards

lint:
	@scripts/bootstrap.sh --test
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
