#!/bin/sh
# Seeds the fuzz corpora (fuzz/corpus/<target>/, git-ignored) from the committed fixtures:
# whole APKs, their manifests, DEX files, native libraries, and the policies.
# Usage: scripts/corpus-seeds.sh   (from the repository root; needs unzip)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
c="$root/fuzz/corpus"
mkdir -p "$c/zip_index" "$c/apk" "$c/axml" "$c/arsc" "$c/dex" "$c/elf" "$c/policy" "$c/manifest" "$c/aab"
for apk in "$root"/fixtures/*.apk; do
    n=$(basename "$apk" .apk)
    cp "$apk" "$c/apk/$n.apk"
    cp "$apk" "$c/zip_index/$n.apk"
    unzip -p "$apk" AndroidManifest.xml > "$c/axml/$n.axml"
    unzip -p "$apk" resources.arsc > "$c/arsc/$n.arsc"
    for e in $(unzip -Z1 "$apk" | grep -E '\.dex$'); do
        unzip -p "$apk" "$e" > "$c/dex/$n-$(echo "$e" | tr / _)"
    done
    # One library per ABI and fixture is enough: they differ little.
    for e in $(unzip -Z1 "$apk" | grep -E '\.so$' | sort -t/ -k2,2 -u); do
        unzip -p "$apk" "$e" > "$c/elf/$n-$(echo "$e" | tr / _)"
    done
done
# App Bundles: whole, for the apk and zip_index targets; their protobuf files for the aab target.
for aab in "$root"/fixtures/*.aab; do
    n=$(basename "$aab" .aab)
    cp "$aab" "$c/apk/$n.aab"
    cp "$aab" "$c/zip_index/$n.aab"
    for e in $(unzip -Z1 "$aab" | grep -E '\.pb$|/manifest/AndroidManifest\.xml$'); do
        unzip -p "$aab" "$e" > "$c/aab/$n-$(echo "$e" | tr / _)"
    done
done
cp "$root"/tests/data/arsc/*.arsc "$c/arsc/"
# The policy target reads its first byte as the format/encoding selector: 0 text, 1 md, 2 html.
for p in "$root"/fixtures/policies/*/* "$root"/fixtures/*/policy.*; do
    [ -f "$p" ] || continue
    case "$p" in
        *.md) sel='\001' ;;
        *.html|*.htm) sel='\002' ;;
        *) sel='\000' ;;
    esac
    { printf "$sel"; cat "$p"; } > "$c/policy/$(echo "${p#$root/fixtures/}" | tr / _)"
done
ls "$c" | while read -r t; do echo "$t: $(ls "$c/$t" | wc -l) seeds"; done
