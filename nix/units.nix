# cairn's systemd services as plain data, with builtins only: the NixOS module
# (module.nix) feeds its options in, and test/deploy/nix.test.ts evaluates this
# file without nixpkgs. The settings are those of deploy/systemd/*.service.
let
  quote = arg: "\"" + builtins.replaceStrings [ "\\" "\"" "%" "$" ] [ "\\\\" "\\\"" "%%" "$$" ] arg + "\"";
  when = cond: list: if cond then list else [ ];
  repeat = flag: values: builtins.concatMap (v: [ flag v ]) values;
in
rec {
  # What every cairn unit has: readiness (cairn runs `systemd-notify --ready`
  # once it listens, a child, hence NotifyAccess=all), restarts, a stop that
  # kills the whole cgroup, and a dedicated user who writes only its state.
  common = {
    Type = "notify";
    NotifyAccess = "all";
    Restart = "on-failure";
    KillMode = "control-group";
    UMask = "0077";
    NoNewPrivileges = true;
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectClock = true;
    ProtectHostname = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    LockPersonality = true;
    RemoveIPC = true;
    CapabilityBoundingSet = "";
    AmbientCapabilities = "";
    # AF_NETLINK: Node lists the network interfaces through it.
    RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" "AF_NETLINK" ];
    SystemCallArchitectures = "native";
  };

  # The node and the bootstrap node run no one else's code: tighter still.
  # (The runner runs builds: containers, test suites, any system call.)
  strict = common // {
    ProtectProc = "invisible";
    RestrictNamespaces = true;
    SystemCallFilter = "@system-service";
  };

  # An ExecStart= line: each argument quoted for systemd (no $VAR or %x expansion).
  execLine = bin: args: builtins.concatStringsSep " " ([ bin ] ++ map quote args);

  # `cairn start`: n is services.cairn.node.
  nodeArgs = n:
    [ "--home" n.home "start" "--name" n.name "--http" n.http ]
    ++ when (n.listen != null) [ "--listen" n.listen ]
    ++ when (n.bootstrap != [ ]) ([ "--swarm" "--topic" n.topic ] ++ repeat "--bootstrap" n.bootstrap ++ when n.reachable [ "--reachable" ])
    ++ when (n.httpAllowFrom != [ ]) ([ "--http-allow-remote" ] ++ repeat "--http-allow-from" n.httpAllowFrom)
    ++ when n.maintainer.enable (
      [ "--maintainer" ]
      ++ when (n.maintainer.jobsRepo != null) [ "--jobs-repo" n.maintainer.jobsRepo ]
      ++ when (n.maintainer.jobsTags != [ ]) [ "--jobs-tags" (builtins.concatStringsSep "," n.maintainer.jobsTags) ])
    ++ n.extraArgs;

  # `cairn runner start`: r is services.cairn.runner.
  runnerArgs = r:
    [ "--home" r.home "runner" "start" "--tags" (builtins.concatStringsSep "," r.tags)
      "--jobs" (toString r.jobs) "--lease" r.lease "--workdir" r.workdir ]
    ++ when (r.listen != null) [ "--listen" r.listen ]
    ++ repeat "--connect" r.connect
    ++ r.extraArgs;

  # `cairn bootstrap`: b is services.cairn.bootstrap.
  bootstrapArgs = b: [ "bootstrap" "--listen" b.listen ];

  # Before the first start: an identity (the node's `start` would make one,
  # but the policy is set on an existing home), then the policy file if any.
  prepareHome = { cairn, home, name, policyFile ? null }:
    let c = "${cairn} --home ${quote home}"; in
    ''
      set -eu
      if [ ! -e ${quote home}/identity.key ]; then ${c} init --name ${quote name}; fi
    ''
    + (if policyFile == null then "" else "${c} policy set ${quote (toString policyFile)}\n");
}
