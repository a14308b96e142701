#!/usr/bin/env bash
# Builds the out-of-tree FCOS example plugin against this checkout's api (staged as a small Maven repository, nothing
# installed into ~/.m2) and drops it into a distribution's plugins/, for the RetinaNet -> FCOS rows of RESULTS.md.
#
#   scripts/experiments/hetero/build_fcos.sh HDKD_HOME
#
# Needs `mvn -DskipTests package` to have run in this checkout (api/target holds the api jar).
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/../../.." && pwd)"
home="$(realpath "$1")"
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$repo_root/pom.xml" | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/repo"
mkdir -p "$stage/io/hdkd/hdkd-parent/$version"
# the api, and what the example's tests compile against even with -DskipTests (testkit; core and runtime for its
# export parity test)
for m in api testkit core runtime; do
    mkdir -p "$stage/io/hdkd/hdkd-$m/$version"
    cp "$repo_root/$m/target/hdkd-$m-$version.jar" "$stage/io/hdkd/hdkd-$m/$version/"
    cp "$repo_root/$m/pom.xml" "$stage/io/hdkd/hdkd-$m/$version/hdkd-$m-$version.pom"
done
cp "$repo_root/pom.xml" "$stage/io/hdkd/hdkd-parent/$version/hdkd-parent-$version.pom"
outer="file://${HOME}/.m2/repository"
cat > "$work/settings.xml" <<XML
<settings>
  <localRepository>$stage</localRepository>
  <profiles><profile><id>outer</id>
    <repositories><repository><id>outer</id><url>$outer</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
    </repository></repositories>
    <pluginRepositories><pluginRepository><id>outer</id><url>$outer</url>
      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
    </pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>outer</activeProfile></activeProfiles>
</settings>
XML
cp -r "$repo_root/examples/fcos-head-plugin" "$work/fcos"
rm -rf "$work/fcos/target"
(cd "$work/fcos" && mvn -B -q -o -Daether.offline.protocols=file -s "$work/settings.xml" -DskipTests \
    -Dhdkd.version="$version" package)
cp "$work/fcos/target/fcos-head-plugin-1.0.0.jar" "$home/plugins/"
echo "installed: $home/plugins/fcos-head-plugin-1.0.0.jar"
