#!/bin/sh
# Builds every WebAssembly example (Examples/wasm-*/) from source into one folder.
set -eu

usage() {
    cat <<'TEXT'
Usage: Examples/wasm-build.sh [OUTPUT_FOLDER]

Builds each Examples/wasm-*/ folder that holds an extension.template.json into
OUTPUT_FOLDER/<example>/ (default: .build/wasm-examples under the repository root): the module,
named after the template's "entry", and a copy of extension.template.json. C examples are compiled
with clang and linked with wasm-ld together with Examples/wasm-kit/hypermesh_guest.c; Embedded
Swift examples are compiled with swiftc together with Examples/wasm-kit/swift/*.swift, then linked
the same way. Every command is printed before it runs.

Target: wasm32, MVP plus bulk memory and sign extension (docs/wasm-abi.md).
Tools: clang, wasm-ld and swiftc from PATH or /opt/swift/usr/bin; override with CLANG, WASM_LD, SWIFTC.
TEXT
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
-*) usage >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-"$root/.build/wasm-examples"}
kit="$here/wasm-kit"

tool() {
    command -v "$1" 2>/dev/null || { [ -x "/opt/swift/usr/bin/$1" ] && echo "/opt/swift/usr/bin/$1"; } || {
        echo "wasm-build.sh: $1 not found in PATH or /opt/swift/usr/bin" >&2
        exit 1
    }
}
CLANG=${CLANG:-$(tool clang)}
WASM_LD=${WASM_LD:-$(tool wasm-ld)}

run() {
    echo "+ $*"
    "$@"
}

cflags="--target=wasm32 -mcpu=mvp -mbulk-memory -msign-ext -nostdlib -ffreestanding -O2 -std=c11 -Wall -Wextra -Werror"
swiftflags="-target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -enable-experimental-feature Extern
 -wmo -Osize -parse-as-library -Xfrontend -disable-stack-protector -Xcc -mcpu=mvp -Xcc -mbulk-memory -Xcc -msign-ext"

mkdir -p "$out"
objects="$out/.objects"
mkdir -p "$objects"
# shellcheck disable=SC2086
run "$CLANG" $cflags -I "$kit" -c "$kit/hypermesh_guest.c" -o "$objects/hypermesh_guest.o"

for example in "$here"/wasm-*/; do
    example=${example%/}
    name=$(basename "$example")
    [ -f "$example/extension.template.json" ] || continue
    entry=$(sed -n 's/^ *"entry": *"\([^"]*\)".*/\1/p' "$example/extension.template.json")
    [ -n "$entry" ] || { echo "wasm-build.sh: no entry in $example/extension.template.json" >&2; exit 1; }
    mkdir -p "$out/$name"
    if ls "$example"/*.swift >/dev/null 2>&1; then
        SWIFTC=${SWIFTC:-$(tool swiftc)}
        module=$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')
        # shellcheck disable=SC2086
        run "$SWIFTC" $swiftflags -module-name "$module" -c "$kit"/swift/*.swift "$example"/*.swift -o "$objects/$name.o"
        set -- "$objects/$name.o"
    else
        set --
        for source in "$example"/*.c; do
            object="$objects/$name-$(basename "$source" .c).o"
            # shellcheck disable=SC2086
            run "$CLANG" $cflags -I "$kit" -I "$here/c-kit" -c "$source" -o "$object"
            set -- "$@" "$object"
        done
    fi
    run "$WASM_LD" --no-entry --strip-debug "$@" "$objects/hypermesh_guest.o" -o "$out/$name/$entry"
    run cp "$example/extension.template.json" "$out/$name/extension.template.json"
done
echo "built into $out"
