.PHONY: up test
# Installs whatever is missing, then runs the whole system (Ctrl-C stops it).
up:
	@bash scripts/up.sh
# Installs whatever is missing, then runs every check and test.
test:
	@bash scripts/test.sh
