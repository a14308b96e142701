#!/usr/bin/env bash
# Rebuilds the SPI-1 fixture plugin, core/src/test/resources/plugins/spi1-fixture.jar, from source:
#   1. the api as it was at SPI 1 (hdkd commit 53b17cf, the last commit before SPI 2 landed in 704f04d) is taken from
#      git history and compiled into a throw-away hdkd-api jar;
#   2. src/ (a distillation loss plugin, io.hdkd.spi1) is compiled against that jar alone, never against today's api.
# Spi1PluginTest loads the result into the current host: old plugins must keep linking (docs/SPI.md).
# Needs git, a JDK 17 and DJL's api, Guice and jakarta.inject in a Maven repository (M2_REPO, default ~/.m2/repository).
set -euo pipefail

SPI1_COMMIT=53b17cf38e9405932512abdb02ea9211503e1195
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/core/src/test/resources/plugins/spi1-fixture.jar}
repo=${M2_REPO:-$HOME/.m2/repository}
cp="$repo/ai/djl/api/0.36.0/api-0.36.0.jar:$repo/com/google/inject/guice/7.0.0/guice-7.0.0.jar"
cp="$cp:$repo/jakarta/inject/jakarta.inject-api/2.0.1/jakarta.inject-api-2.0.1.jar"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$SPI1_COMMIT" api/src/main/java | tar -x -C "$work"
javac --release 17 -nowarn -encoding UTF-8 -d "$work/api" -cp "$cp" $(find "$work/api/src/main/java" -name '*.java')
if ! javap -constants -cp "$work/api" io.hdkd.api.HdkdPlugin | grep -q 'int SPI_VERSION = 1;'; then
    echo "build.sh: the api at $SPI1_COMMIT is not SPI 1" >&2
    exit 1
fi

javac --release 17 -encoding UTF-8 -d "$work/plugin" -cp "$work/api:$cp" $(find "$here/src" -name '*.java')
cp -r "$here/src/META-INF" "$work/plugin/"
mkdir -p "$(dirname "$out")"
# A fixed timestamp: the same sources give the same jar.
jar --create --date=2026-01-01T00:00:00Z --no-manifest --file "$out" -C "$work/plugin" .
echo "wrote $out ($(wc -c < "$out") bytes), compiled against the SPI-1 api of $SPI1_COMMIT"
