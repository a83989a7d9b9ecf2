#!/usr/bin/env bash
# Fetches Temporal's Java time-skipping test server with Maven into .tools/test-server (once) and
# prints the path of a wrapper that @temporalio/testing starts as `<wrapper> <port>`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/test-server"
wrapper="$dir/temporal-test-server"
version="$(sed -nE 's:.*<temporal.test-server.version>(.*)</temporal.test-server.version>.*:\1:p' "$root/scripts/test-server/pom.xml")"

if [ ! -f "$dir/lib/temporal-test-server-$version.jar" ]; then
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "'$tool' is needed to fetch Temporal's time-skipping test server: install a JDK >= 11 and Maven." >&2; exit 1; }
  done
  echo "Fetching Temporal's time-skipping test server $version with Maven (first run only)..." >&2
  rm -rf "$dir/lib"
  mvn -q -B -f "$root/scripts/test-server/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$dir/lib" >&2
fi
cat > "$wrapper" <<WRAP
#!/usr/bin/env bash
exec java -Xss1m -XX:+UseSerialGC -cp "$dir/lib/*" io.temporal.testserver.TestServer "\$@"
WRAP
chmod +x "$wrapper"
echo "$wrapper"
