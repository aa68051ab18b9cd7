#!/usr/bin/env bash
# Fetch the pinned front-end assets from the npm registry and copy exactly
# the files Vern serves into src/vern/static/vendor/<name>/, each with its
# licence text. Also (re)generates src/vern/static/vendor/README.md.
#
# Re-runnable: every run rebuilds the managed folders from scratch in a temp
# dir, checks them, then replaces designsystemet/, htmx/, axe-core/ and inter/
# (nothing else under vendor/ is touched). Nothing is installed: packages are
# fetched with `npm pack` into a temp dir and unpacked with tar, so no
# node_modules/ or package-lock.json is ever created.
#
# To upgrade: change a version below, set VENDORED_ON, re-run, review the diff.
# htmx: the newest 2.0.x is listed by `npm view htmx.org versions --json`.
#
# Requires: npm, node (comes with npm), tar, perl, awk, sed, python3.
set -euo pipefail

DS_CSS_VERSION="1.22.0"    # @digdir/designsystemet-css
DS_THEME_VERSION="1.11.0"  # @digdir/designsystemet-theme (brand "digdir")
HTMX_VERSION="2.0.11"      # htmx.org, newest 2.0.x
AXE_VERSION="4.14.1"       # axe-core (browser tests only)
INTER_VERSION="5.3.0"      # @fontsource/inter (self-hosted Inter font)
INTER_WEIGHTS=(400 500 600)
INTER_SUBSETS=(latin-ext latin)
VENDORED_ON="2026-11-26"   # date written to vendor/README.md

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="$repo_root/src/vern/static/vendor"
managed_dirs=(designsystemet htmx axe-core inter)

for tool in npm node tar perl awk sed python3; do
  command -v "$tool" >/dev/null || { echo "vendor.sh: '$tool' is required" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$tmp/out"
mkdir -p "$out"
: >"$tmp/packages.tsv"

die() { echo "vendor.sh: $*" >&2; exit 1; }

# fetch NAME VERSION -> prints the path of the unpacked package/ directory.
# Records name, version, SPDX licence and integrity in $tmp/packages.tsv.
fetch() {
  local name="$1" version="$2" dir
  dir="$tmp/pkg/${name//\//__}"
  mkdir -p "$dir"
  (cd "$tmp" && npm pack "$name@$version" --json --pack-destination "$dir" \
    >"$dir/pack.json" 2>"$dir/npm.log") || { cat "$dir/npm.log" >&2; die "npm pack $name@$version failed"; }
  tar xzf "$dir"/*.tgz -C "$dir"
  node -e '
    const fs = require("fs");
    const [packJson, pkgJson] = process.argv.slice(1);
    const p = JSON.parse(fs.readFileSync(packJson, "utf8"))[0];
    const m = JSON.parse(fs.readFileSync(pkgJson, "utf8"));
    if (m.name !== p.name || m.version !== p.version) process.exit(1);
    console.log([p.name, p.version, m.license, p.integrity].join("\t"));
  ' "$dir/pack.json" "$dir/package/package.json" >>"$tmp/packages.tsv" \
    || die "metadata mismatch for $name@$version"
  echo "$dir/package"
}

copy() { # copy SRC DEST (fails if SRC is missing or empty)
  [[ -s "$1" ]] || die "expected file missing or empty: $1"
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
}

# Remove anything in a stylesheet that could make a browser contact another
# host: @import of absolute URLs (e.g. Google Fonts) and comments that mention
# URLs. data: URIs (inline SVG icons, whose xmlns contains "http://") stay.
sanitize_css() {
  local f="$1"
  sed -E -i "s#@import[[:space:]]+(url\\()?[[:space:]]*[\"']?([a-zA-Z][a-zA-Z0-9+.-]*:)?//[^;]*;##g" "$f"
  perl -0777 -pi -e 's{/\*(?:(?!\*/).)*?://(?:(?!\*/).)*?\*/}{}gs' "$f"
}

# Fail if a stylesheet still references anything outside this site.
check_css_local_only() {
  local f="$1" refs
  if grep -qE '@import' "$f"; then
    die "$f still contains @import"
  fi
  # Every url(...) target must be a data: URI or a relative path.
  refs="$(grep -oE "url\\([[:space:]]*[\"']?[^\"')[:space:]]*" "$f" \
    | sed -E "s/^url\\([[:space:]]*[\"']?//" \
    | grep -E '^([a-zA-Z][a-zA-Z0-9+.-]*:|//|/)' | grep -vE '^data:' || true)"
  [[ -z "$refs" ]] || die "$f references non-local URLs: $refs"
  # Belt and braces: no http(s):// outside data: URIs at all.
  refs="$(perl -0777 -pe "s{url\\(\\s*(\"data:[^\"]*\"|'data:[^']*'|data:[^)]*)\\)}{}g" "$f" \
    | grep -oE 'https?://[^ ")]*' || true)"
  [[ -z "$refs" ]] || die "$f mentions URLs outside data: URIs: $refs"
}

echo "Fetching packages from the npm registry..."

# 1. Designsystemet component CSS (package "." export = dist/src/index.css).
pkg="$(fetch @digdir/designsystemet-css "$DS_CSS_VERSION")"
copy "$pkg/dist/src/index.css" "$out/designsystemet/designsystemet.css"
copy "$pkg/LICENSE" "$out/designsystemet/LICENSE"

# 2. Designsystemet "digdir" brand theme (design tokens as CSS variables).
pkg="$(fetch @digdir/designsystemet-theme "$DS_THEME_VERSION")"
copy "$pkg/brand/digdir.css" "$out/designsystemet/theme-digdir.css"
copy "$pkg/LICENSE" "$out/designsystemet/LICENSE-theme"

# 3. htmx.
pkg="$(fetch htmx.org "$HTMX_VERSION")"
copy "$pkg/dist/htmx.min.js" "$out/htmx/htmx.min.js"
copy "$pkg/LICENSE" "$out/htmx/LICENSE"

# 4. axe-core (loaded only by browser tests). The minified build bundles
#    third-party code, so its notices file comes along.
pkg="$(fetch axe-core "$AXE_VERSION")"
copy "$pkg/axe.min.js" "$out/axe-core/axe.min.js"
copy "$pkg/LICENSE" "$out/axe-core/LICENSE"
copy "$pkg/LICENSE-3RD-PARTY.txt" "$out/axe-core/LICENSE-3RD-PARTY.txt"

# 5. Inter, self-hosted. The theme sets --ds-font-family: Inter but ships no
#    @font-face and nothing applies it to <body>; Designsystemet expects the
#    site to load Inter 400/500/600 itself. We serve latin + latin-ext woff2
#    only, with @font-face rules taken from @fontsource's own CSS (so the
#    unicode-range values stay exact), and a system-font fallback stack.
pkg="$(fetch @fontsource/inter "$INTER_VERSION")"
copy "$pkg/LICENSE" "$out/inter/LICENSE"
fonts_css="$out/inter/fonts.css"
{
  echo "/* Inter ${INTER_VERSION} (@fontsource/inter), latin + latin-ext, weights ${INTER_WEIGHTS[*]}."
  echo "   Generated by scripts/vendor.sh; do not edit. */"
  for w in "${INTER_WEIGHTS[@]}"; do
    for s in "${INTER_SUBSETS[@]}"; do
      id="inter-$s-$w-normal"
      copy "$pkg/files/$id.woff2" "$out/inter/files/$id.woff2"
      block="$(awk -v id="$id" '$0 == "/* " id " */" {p = 1} p {print} p && /^}/ {exit}' "$pkg/$w.css")"
      [[ -n "$block" ]] || die "no @font-face for $id in @fontsource/inter/$w.css"
      # Keep only the woff2 source, pointing at our copy.
      block="$(printf '%s\n' "$block" | sed -E "s#^([[:space:]]*src:).*\$#\\1 url(files/$id.woff2) format('woff2');#")"
      printf '%s\n' "$block"
    done
  done
  cat <<'CSS'

/* Nothing in Designsystemet sets the page font: apply the theme's font
   (--ds-font-family, "Inter" in the digdir theme) with a system-font
   fallback. cv05 = lowercase l with tail, as Designsystemet recommends.
   :where() keeps specificity at 0 so a site stylesheet can override it. */
:where(body) {
  font-family: var(--ds-font-family, Inter), system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-feature-settings: "cv05" 1;
}
CSS
} >"$fonts_css"
faces="$(grep -c '@font-face' "$fonts_css")"
[[ "$faces" -eq $((${#INTER_WEIGHTS[@]} * ${#INTER_SUBSETS[@]})) ]] || die "fonts.css has $faces @font-face rules"

# --- Checks on the staged output -------------------------------------------
while IFS= read -r -d '' css; do
  sanitize_css "$css"
  check_css_local_only "$css"
done < <(find "$out" -name '*.css' -print0)

# The site's CSP allows images only from the site itself (img-src 'self'), so
# the design system's inline data: SVG icons become one sprite, icons/sprite.svg.
python3 "$repo_root/scripts/vendor_css_icons.py" "$out/designsystemet/designsystemet.css" \
  || die "could not move the design system's icons into files"
if grep -rq 'data:' --include='*.css' "$out"; then
  die "a vendored stylesheet still has a data: URI, which the CSP refuses"
fi

grep -q '\.ds-button' "$out/designsystemet/designsystemet.css" || die "designsystemet.css has no .ds-button"
grep -q -- '--ds-color-accent-base-default' "$out/designsystemet/theme-digdir.css" || die "theme-digdir.css has no accent tokens"
grep -q 'htmx' "$out/htmx/htmx.min.js" || die "htmx.min.js looks wrong"
grep -q "axe v$AXE_VERSION" "$out/axe-core/axe.min.js" || die "axe.min.js is not v$AXE_VERSION"

# --- README ------------------------------------------------------------------
npm_page() { echo "https://www.npmjs.com/package/$1/v/$2"; }
{
  cat <<EOF
# Vendored front-end assets

Every file in \`designsystemet/\`, \`htmx/\`, \`axe-core/\` and \`inter/\` is
produced by \`scripts/vendor.sh\` from pinned npm packages and is **never edited
by hand**: change the version in the script, re-run it, review the diff.
This README is generated by the same script.

Vendored on: $VENDORED_ON. Nothing here is loaded from another host (the
script fails if a vendored stylesheet refers to an external URL).

| Package | Version | Licence (SPDX) | Source (npm registry) | Integrity |
| --- | --- | --- | --- | --- |
EOF
  while IFS=$'\t' read -r name version license integrity; do
    echo "| \`$name\` | $version | $license | $(npm_page "$name" "$version") | \`$integrity\` |"
  done <"$tmp/packages.tsv"
  cat <<'EOF'

## Files

- `designsystemet/designsystemet.css`: Designsystemet component CSS
  (`@digdir/designsystemet-css`, `dist/src/index.css`), classes `ds-*`.
  `LICENSE` (MIT).
- `designsystemet/icons/sprite.svg`: the icons that `designsystemet.css`
  carries inline as `data:` URIs, moved by `scripts/vendor_css_icons.py` into
  one sprite (each icon a `<view>` named `icon-<hash of its SVG>`) and referred
  to as `icons/sprite.svg#icon-<hash>`, because the site's Content Security
  Policy allows images only from the site itself; one file, so a page makes
  one request for all its icons.
- `designsystemet/theme-digdir.css`: the "digdir" brand theme
  (`@digdir/designsystemet-theme`, `brand/digdir.css`): design tokens as
  `--ds-*` CSS variables, colour schemes and `data-color` palettes.
  `LICENSE-theme` (MIT).
- `htmx/htmx.min.js` (`dist/htmx.min.js`), `LICENSE` (0BSD).
- `axe-core/axe.min.js`, `LICENSE` (MPL-2.0), `LICENSE-3RD-PARTY.txt`.
  **Used only by the browser (accessibility) tests; never served to users
  from templates.**
- `inter/fonts.css` + `inter/files/*.woff2`: the Inter font, self-hosted
  (`@fontsource/inter`, latin + latin-ext, weights 400/500/600, woff2 only),
  `LICENSE` (OFL-1.1). The theme names Inter as its font but loads no font;
  `fonts.css` declares the `@font-face` rules and sets `body` to
  `var(--ds-font-family)` with a system-font fallback.

Load order in the base template: `theme-digdir.css`, `designsystemet.css`,
`inter/fonts.css`, then the site's own CSS.
EOF
} >"$out/README.md"

# --- Install into the repo ----------------------------------------------------
mkdir -p "$vendor_dir"
for d in "${managed_dirs[@]}"; do
  rm -rf "${vendor_dir:?}/$d"
  cp -R "$out/$d" "$vendor_dir/$d"
done
cp "$out/README.md" "$vendor_dir/README.md"

echo "Vendored into ${vendor_dir#"$repo_root"/}:"
(cd "$vendor_dir" && find . -type f | sort | sed 's#^\./#  #')
