# The README's commands. Each installs what is missing first, so a fresh machine needs nothing by hand.
.PHONY: up down status test unit integration bench lint

VENV := .venv/bin

up:  ## install what is missing, start the whole stack in the foreground (Ctrl-C stops it)
	@scripts/bootstrap.sh
	@$(VENV)/motus-stack up

down:
	@$(VENV)/motus-stack down

status:
	@$(VENV)/motus-stack status

test:  ## install what is missing, then lint and run the whole suite
	@scripts/bootstrap.sh --test
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/pytest

unit:
	@scripts/bootstrap.sh --test
	$(VENV)/pytest tests/unit

integration:
	@scripts/bootstrap.sh --test
	$(VENV)/pytest tests/integration

bench:  ## numbers, not assertions: failover and throughput through HAProxy on a private stack
	@scripts/bootstrap.sh --test
	$(VENV)/python -m bench.failover
	$(VENV)/python -m bench.delivery

lint:
	@scripts/bootstrap.sh --test
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
