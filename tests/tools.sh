#!/bin/sh
# The PDF tools the tests read back with (make test runs this first): installed when this machine
# lets us (apt-get as root or with passwordless sudo, or Homebrew), else a failure that names them.
set -eu
TOOLS="pdftotext pdftoppm pdffonts zbarimg qpdf"

missing() {
    gone=""
    for tool in $TOOLS; do
        command -v "$tool" >/dev/null 2>&1 || gone="$gone $tool"
    done
    echo "$gone"
}

gone=$(missing)
[ -z "$gone" ] && exit 0
echo "the tests need:$gone" >&2
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo -n"
    else
        sudo="no"
    fi
    if [ "$sudo" != "no" ]; then
        echo "installing poppler-utils zbar-tools qpdf with apt-get" >&2
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils zbar-tools qpdf >/dev/null || true
    fi
elif command -v brew >/dev/null 2>&1; then
    echo "installing poppler zbar qpdf with Homebrew" >&2
    brew install poppler zbar qpdf >/dev/null || true
fi
gone=$(missing)
if [ -n "$gone" ]; then
    echo "error: missing$gone. Install them (apt-get install poppler-utils zbar-tools qpdf," >&2
    echo "or brew install poppler zbar qpdf), or run the quick subset without them: make test-quick" >&2
    exit 1
fi
