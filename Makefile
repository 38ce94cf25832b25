# The verbs a newcomer needs. `make run` and `make test` are the two README commands.
.PHONY: run test setup train lint check clean

# Optional local settings (see .env.example); exported to every command below.
-include .env
export

setup:
	@scripts/bootstrap

run: setup
	.venv/bin/bot run

# The callback store is tested on PostgreSQL too: scripts/postgres-up starts one (installing
# Debian's package when missing, as root) unless BOT_TEST_POSTGRES_URL is already set. The
# dashboard is tested in Debian's chromium (scripts/browser-up installs it the same way).
test: setup
	.venv/bin/bot content check
	.venv/bin/ruff check .
	.venv/bin/bot train
	BOT_TEST_POSTGRES_URL="$${BOT_TEST_POSTGRES_URL:-$$(scripts/postgres-up)}" \
	BOT_TEST_CHROMIUM="$${BOT_TEST_CHROMIUM:-$$(scripts/browser-up)}" .venv/bin/pytest

train: setup
	.venv/bin/bot train

lint: setup
	.venv/bin/ruff check .

check: setup
	.venv/bin/bot content check

clean:
	rm -rf var models .pytest_cache
