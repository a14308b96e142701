#!/bin/sh
# Installs hdkd's plugin SDK into your local Maven repository (~/.m2/repository), so that a plugin project builds
# against this distribution with no hdkd source checkout: the parent pom, the api (with sources and javadoc), the
# contract-test kit, the plugin archetype, hdkd-runtime (a model of 'hdkd export --decode' in your Java program)
# and hdkd-core (its ONNX graph writer and runner, for a plugin's export parity test). Extra arguments go to every
# mvn call, e.g. -o (offline), -s settings.xml, -Dmaven.repo.local=DIR.
# Needs Maven 3.6 or newer on the PATH (or MVN=/path/to/mvn).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo="$here/repository/io/hdkd"
# The SDK holds one version: the folder name under hdkd-api/.
version=$(ls "$repo/hdkd-api")
mvn=${MVN:-mvn}
install() {
    "$mvn" -B -q "$@" org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file
}
pom="$repo/hdkd-parent/$version/hdkd-parent-$version.pom"
install "$@" -Dfile="$pom" -DpomFile="$pom" -Dpackaging=pom
api="$repo/hdkd-api/$version/hdkd-api-$version"
install "$@" -Dfile="$api.jar" -DpomFile="$api.pom" -Dsources="$api-sources.jar" -Djavadoc="$api-javadoc.jar"
testkit="$repo/hdkd-testkit/$version/hdkd-testkit-$version"
install "$@" -Dfile="$testkit.jar" -DpomFile="$testkit.pom"
archetype="$repo/hdkd-plugin-archetype/$version/hdkd-plugin-archetype-$version"
install "$@" -Dfile="$archetype.jar" -DpomFile="$archetype.pom"
runtime="$repo/hdkd-runtime/$version/hdkd-runtime-$version"
install "$@" -Dfile="$runtime.jar" -DpomFile="$runtime.pom"
core="$repo/hdkd-core/$version/hdkd-core-$version"
install "$@" -Dfile="$core.jar" -DpomFile="$core.pom"
echo "installed io.hdkd:hdkd-parent, hdkd-api (sources, javadoc), hdkd-testkit, hdkd-plugin-archetype, hdkd-runtime, hdkd-core $version"
