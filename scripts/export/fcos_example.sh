#!/usr/bin/env bash
# Builds (and by default tests) the out-of-tree FCOS example plugin against this checkout's jars, staged as a small
# Maven repository (api, testkit, core, runtime, parent pom; nothing is installed into ~/.m2), everything else read
# from ~/.m2 as a file:// repository, offline. Its tests include FcosExportTest (ONNX export parity).
#
#   scripts/export/fcos_example.sh OUT_DIR [mvn arguments...]     (default arguments: package)
#
# Leaves the project copy in OUT_DIR/fcos (the jar: OUT_DIR/fcos/target/fcos-head-plugin-1.0.0.jar). Needs
# `mvn -DskipTests package` to have run in this checkout.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 OUT_DIR [mvn arguments...]" >&2; exit 2; }
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
[ $# -ge 1 ] || set -- package
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$repo_root/pom.xml" | head -1)"
stage="$out/repo"
rm -rf "$stage" "$out/fcos"
mkdir -p "$stage/io/hdkd/hdkd-parent/$version"
cp "$repo_root/pom.xml" "$stage/io/hdkd/hdkd-parent/$version/hdkd-parent-$version.pom"
for m in api testkit core runtime; do
    jar="$repo_root/$m/target/hdkd-$m-$version.jar"
    [ -f "$jar" ] || { echo "$0: no $jar; run 'mvn -DskipTests package' first" >&2; exit 2; }
    mkdir -p "$stage/io/hdkd/hdkd-$m/$version"
    cp "$jar" "$stage/io/hdkd/hdkd-$m/$version/"
    cp "$repo_root/$m/pom.xml" "$stage/io/hdkd/hdkd-$m/$version/hdkd-$m-$version.pom"
done
outer="file://${HOME}/.m2/repository"
cat > "$out/settings.xml" <<XML
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
cp -r "$repo_root/examples/fcos-head-plugin" "$out/fcos"
rm -rf "$out/fcos/target"
cd "$out/fcos"
mvn -B -o -Daether.offline.protocols=file -s "$out/settings.xml" -Dhdkd.version="$version" "$@"
