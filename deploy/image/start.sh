#!/bin/sh
# The classroom image's entry point: the learner's workspace on the home volume (made on first start if
# missing, never overwritten), the IDE's settings (likewise), then code-server on $RUBBER_WORKSHOP_IDE_PORT.
# Given a command instead (podman run IMAGE rubber-workshop doctor), runs that.
set -eu
[ $# -eq 0 ] || exec "$@"
share=/usr/local/share/rubber-workshop-ide
port=${RUBBER_WORKSHOP_IDE_PORT:-8888}
user_dir=$HOME/.local/share/code-server
[ -d "$HOME/rd-workspace" ] || rubber-workshop init "$HOME/rd-workspace"
# The editor's packages (node's and koffi's types), as npm install would put them there: no registry needed.
[ -e "$HOME/rd-workspace/node_modules" ] || cp -R "$share/workspace-node_modules" "$HOME/rd-workspace/node_modules"
mkdir -p "$user_dir/User"
# The workshop opens in a terminal as the workspace opens: an automatic task, which VS Code runs only when
# the user's settings allow it.
[ -e "$user_dir/User/settings.json" ] || cp "$share/settings.json" "$user_dir/User/settings.json"
[ -e "$HOME/rubber-workshop.code-workspace" ] || cp "$share/rubber-workshop.code-workspace" "$HOME/"
# A password only if given (PASSWORD: deploy class takes it from the learner's Secret, if the instructor made one;
# podman run -e PASSWORD=…): in Kubeflow the cluster's gateway authenticates; on a laptop, publish on 127.0.0.1.
auth=none
[ -z "${PASSWORD:-}" ] || auth=password
exec code-server --bind-addr "0.0.0.0:$port" --auth "$auth" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$user_dir" "$HOME/rubber-workshop.code-workspace"
