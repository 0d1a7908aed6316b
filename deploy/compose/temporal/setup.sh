#!/bin/sh
# Temporal's persistence and namespace, for docker-compose.yaml. Runs in the
# temporalio/admin-tools image (Alpine: busybox sh and nc, temporal-sql-tool,
# the temporal CLI, the SQL schemas under /etc/temporal/schema).
#
#   setup.sh schema      create the databases and bring both schemas to the
#                        newest version shipped in the image (before the server)
#   setup.sh namespace   wait for the server, then create the namespace
#                        (after the server)
#
# Both steps can run again: the databases are created IF NOT EXISTS, the
# schema tool applies only the versions a database lacks, and a namespace
# that exists is left as it is.
#
# temporal-sql-tool reads its connection from SQL_PLUGIN, SQL_HOST, SQL_PORT,
# SQL_USER and SQL_PASSWORD (so the password is not on a command line); the
# namespace step reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE.
set -eu

schema_root=/etc/temporal/schema/mysql/v8

wait_for_port() { # host port what
	tries=0
	until nc -z -w 3 "$1" "$2"; do
		tries=$((tries + 1))
		if [ "$tries" -ge 60 ]; then
			echo "$3 ($1:$2) is not reachable after $tries tries" >&2
			exit 1
		fi
		sleep 2
	done
}

schema() {
	: "${SQL_HOST:?set SQL_HOST}" "${SQL_PORT:=3306}"
	wait_for_port "$SQL_HOST" "$SQL_PORT" MySQL
	# db: the database name; dir: its versioned schema under $schema_root.
	for pair in temporal:temporal temporal_visibility:visibility; do
		db=${pair%%:*}
		dir=$schema_root/${pair#*:}/versioned
		echo "== $db: create, version tables, update from $dir"
		temporal-sql-tool --db "$db" create-database
		# -v 0.0 with no schema file only creates the version tables (and
		# leaves a database that is already past 0.0 alone) ...
		temporal-sql-tool --db "$db" setup-schema -v 0.0
		# ... and update-schema applies every version the database lacks.
		temporal-sql-tool --db "$db" update-schema -d "$dir"
	done
	echo "schemas are up to date"
}

namespace() {
	: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}" "${TEMPORAL_NAMESPACE:=default}"
	: "${TEMPORAL_NAMESPACE_RETENTION:=72h}"
	wait_for_port "${TEMPORAL_ADDRESS%:*}" "${TEMPORAL_ADDRESS##*:}" "the Temporal frontend"
	tries=0
	until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
		tries=$((tries + 1))
		if [ "$tries" -ge 60 ]; then
			echo "Temporal at $TEMPORAL_ADDRESS is not serving after $tries tries" >&2
			exit 1
		fi
		sleep 2
	done
	# Describe first, so that a rerun leaves the namespace alone; a create
	# that loses a race with another creator is fine if describe then works.
	if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
		echo "namespace $TEMPORAL_NAMESPACE exists"
		return
	fi
	temporal operator namespace create --address "$TEMPORAL_ADDRESS" \
		--namespace "$TEMPORAL_NAMESPACE" --retention "$TEMPORAL_NAMESPACE_RETENTION" ||
		temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" >/dev/null
	echo "namespace $TEMPORAL_NAMESPACE created (retention $TEMPORAL_NAMESPACE_RETENTION)"
}

case "${1:-}" in
schema) schema ;;
namespace) namespace ;;
*)
	echo "usage: setup.sh schema|namespace" >&2
	exit 2
	;;
esac
