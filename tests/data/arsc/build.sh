#!/bin/sh
# Rebuilds tests/data/arsc/sparse.arsc from tests/data/arsc/sparse/ with aapt2 (Debian: `apt-get
# install aapt android-framework-res`); the tests need only the committed output.
# With --enable-sparse-encoding and minSdk 26, aapt2 writes the `fr` strings as a sparse type.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
aapt2 compile --dir "$here/sparse/res" -o "$tmp/res.zip"
aapt2 link -I /usr/share/android-framework-res/framework-res.apk \
    --manifest "$here/sparse/AndroidManifest.xml" --min-sdk-version 26 \
    --enable-sparse-encoding -o "$tmp/app.apk" "$tmp/res.zip"
unzip -p "$tmp/app.apk" resources.arsc > "$here/sparse.arsc"
