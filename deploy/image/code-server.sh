#!/bin/sh
# Installs code-server from npm into $1 (a staging folder) with no download outside npm and Debian:
# native modules are built from source against NODEDIR's headers, and @vscode/ripgrep's binary, which its
# install script would fetch from GitHub, is Debian's ripgrep (its script skips when bin/ exists).
# This is code-server's own postinstall.sh, with that one change.
set -eu
dest=$1 version=$2 nodedir=$3
# npm_config_yes: node-pty's install script runs `npx node-gyp`, which would otherwise stop to ask.
export npm_config_build_from_source=true npm_config_nodedir="$nodedir" npm_config_audit=false npm_config_fund=false npm_config_yes=true
mkdir -p "$dest"
cd "$dest"
[ -f package.json ] || echo '{"private": true}' > package.json
npm install --ignore-scripts --save-exact "code-server@$version"
npm rebuild argon2
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm rebuild
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
ln -sf code-linux.sh bin/remote-cli/code-server
ln -sf browser-linux.sh bin/helpers/browser.sh
cd extensions
npm install --omit=dev
