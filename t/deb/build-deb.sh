#!/usr/bin/env bash
#
# Package the built module as a Debian binary package laid out like
# Debian's own libnginx-mod-* packages:
#
#   t/deb/build-deb.sh [path/to/ngx_http_playfab_party_module.so]
#
# The module (default build/nginx/objs/, built by ./build.sh) goes,
# stripped, to /usr/lib/nginx/modules; its load_module snippet to
# /usr/share/nginx/modules-available, enabled by the maintainer scripts of
# t/deb/maint/ through /etc/nginx/modules-enabled; the docs to
# /usr/share/doc.  The package depends on the exact nginx ABI the module
# was built against, as recorded by nginx-dev.
#
# Writes build/deb/libnginx-mod-http-playfab-party_<version>_<arch>.deb
# and prints its path.  VERSION overrides the version taken from
# "git describe"; DEB_MAINTAINER the Maintainer field.

set -euo pipefail
umask 022

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG=libnginx-mod-http-playfab-party
MODULE=ngx_http_playfab_party_module
CONF=mod-http-playfab-party.conf
ABIVARS=/usr/share/nginx/src/debian/libnginx-mod.abisubstvars
OUT=$ROOT/build/deb
MAINTAINER=${DEB_MAINTAINER:-ngx_http_playfab_party authors <ngx-http-playfab-party@example.org>}

SO=${1:-$ROOT/build/nginx/objs/$MODULE.so}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-deb.sh: %s\n' "$*" >&2; exit 1; }

# A Debian (native) version from git: tag v1.2.0 -> 1.2.0, three commits
# past it -> 1.2.0+3.g<hash>, v1.2.0-rc1 -> 1.2.0~rc1 (sorts before
# 1.2.0); no tag -> 0.1.0+g<hash>; no git -> 0.1.0.
git_version() {
    local desc
    if desc=$(git -C "$ROOT" describe --tags 2>/dev/null); then
        printf '%s\n' "${desc#v}" | sed -E -e 's/-([0-9]+)-g([0-9a-f]+)$/+\1.g\2/' -e 's/-/~/g'
    elif desc=$(git -C "$ROOT" describe --tags --always 2>/dev/null); then
        printf '0.1.0+g%s\n' "$desc"
    else
        printf '0.1.0\n'
    fi
}

# Depends on the shared libraries the module links (libc6, libcjson1,
# libssl3) from their shlibs files through dpkg-shlibdeps, as debhelper
# does; without dpkg-dev, on at least the installed versions.
shlib_depends() {
    local arch=$1 p deps=
    if command -v dpkg-shlibdeps >/dev/null; then
        # dpkg-shlibdeps reads debian/control (empty is enough) and expects
        # the binary under debian/<package>/: the staging tree is there.
        (cd "$WORK" && : > debian/control \
            && dpkg-shlibdeps -O "debian/$PKG/usr/lib/nginx/modules/$MODULE.so") \
            | sed -n 's/^shlibs:Depends=//p'
    else
        for p in libc6 libcjson1 libssl3; do
            deps+="${deps:+, }$p (>= $(dpkg-query -W -f='${Version}' "$p:$arch"))"
        done
        printf '%s\n' "$deps"
    fi
}

# LICENSE (BSD-2-Clause) in the machine-readable copyright format.
copyright() {
    cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ngx_http_playfab_party

Files: *
Copyright: $(sed -n 's/^Copyright (c) //p' "$ROOT/LICENSE")
License: BSD-2-Clause

License: BSD-2-Clause
EOF
    sed -n '/^Redistribution/,$p' "$ROOT/LICENSE" | sed -e 's/^$/./' -e 's/^/ /'
}

# A one-entry changelog: Debian policy wants one in every package.
changelog() {
    cat <<EOF
$PKG ($VERSION) unstable; urgency=medium

  * Built from $(git -C "$ROOT" describe --tags --always 2>/dev/null || echo "a source tree").

 -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
EOF
}

[ -f "$SO" ] || die "no module at $SO: run ./build.sh first"
[ -f "$ABIVARS" ] || die "no $ABIVARS: install nginx-dev"
ABI=$(sed -n 's/^nginx:abi=//p' "$ABIVARS")
[ -n "$ABI" ] || die "no nginx:abi in $ABIVARS"

VERSION=${VERSION:-$(git_version)}
[[ $VERSION =~ ^[0-9][A-Za-z0-9.+~]*$ ]] \
    || die "\"$VERSION\" is not a Debian version: set VERSION=..."
ARCH=$(dpkg --print-architecture)
# Timestamps of the changelog and of the files in the package.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}

WORK=$OUT/work
STAGE=$WORK/debian/$PKG
DOC=$STAGE/usr/share/doc/$PKG
rm -rf "$WORK"
mkdir -p "$STAGE/DEBIAN" "$DOC/docs"

log "staging $PKG $VERSION ($ARCH)"
install -D -m 644 "$SO" "$STAGE/usr/lib/nginx/modules/$MODULE.so"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
    "$STAGE/usr/lib/nginx/modules/$MODULE.so"
install -d "$STAGE/usr/share/nginx/modules-available"
printf 'load_module modules/%s.so;\n' "$MODULE" \
    > "$STAGE/usr/share/nginx/modules-available/$CONF"

install -m 644 "$ROOT/README.md" "$DOC/"
install -m 644 "$ROOT"/docs/*.md "$ROOT/docs/example.conf" "$DOC/docs/"
copyright > "$DOC/copyright"
changelog | gzip -9n > "$DOC/changelog.gz"

install -m 755 "$ROOT"/t/deb/maint/{postinst,prerm,postrm} "$STAGE/DEBIAN/"
DEPENDS=$(shlib_depends "$ARCH")
[ -n "$DEPENDS" ] || die "could not work out the shared library dependencies"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' \
    | LC_ALL=C sort -z | xargs -0 md5sum) > "$STAGE/DEBIAN/md5sums"

cat > "$STAGE/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: $ABI, $DEPENDS
Section: httpd
Priority: optional
Description: PlayFab Party networks from the nginx edge
 An nginx dynamic module that requests PlayFab Party networks with
 RequestPartyService on behalf of the studio's callers: it authorizes the
 caller (API keys, PlayFab entity tokens), validates the requested party
 against PlayFab's schema and the studio's policy, gets the title entity
 token through non-blocking subrequests, cached in shared memory for all
 workers, and returns the network descriptor.
 .
 The package enables the module through /etc/nginx/modules-enabled.
 A site configuration to start from is in
 /usr/share/doc/$PKG/docs/example.conf.
EOF

rm -f "$OUT/${PKG}"_*.deb
DEB=$OUT/${PKG}_${VERSION}_${ARCH}.deb
dpkg-deb --build --root-owner-group "$STAGE" "$DEB" >/dev/null
log "built $DEB"

if command -v lintian >/dev/null; then
    lintian --info "$DEB" >&2 || log "lintian reported problems (above)"
else
    log "lintian is not installed: not linted"
fi

printf '%s\n' "$DEB"
