#!/bin/sh
# The tools the tests read PDFs back with (make test runs this first): poppler-utils, zbar-tools and
# qpdf, and node with npm for pdf.js (the fillable form). Installed when this machine lets us (apt-get
# as root or with passwordless sudo, or Homebrew), else a failure that names them.
set -eu
TOOLS="pdftotext pdftoppm pdffonts zbarimg qpdf node npm"

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
        echo "installing poppler-utils zbar-tools qpdf nodejs npm with apt-get" >&2
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils zbar-tools qpdf nodejs npm >/dev/null || true
    fi
elif command -v brew >/dev/null 2>&1; then
    echo "installing poppler zbar qpdf node with Homebrew" >&2
    brew install poppler zbar qpdf node >/dev/null || true
fi
gone=$(missing)
if [ -n "$gone" ]; then
    echo "error: missing$gone. Install them (apt-get install poppler-utils zbar-tools qpdf nodejs npm," >&2
    echo "or brew install poppler zbar qpdf node), or run the quick subset without them: make test-quick" >&2
    exit 1
fi
