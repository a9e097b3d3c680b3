# NixOS services for cairn: a node (`cairn start`), a runner (`cairn runner
# start`) and a site's DHT bootstrap node (`cairn bootstrap`), under a
# dedicated user, hardened as deploy/systemd/*.service (the settings are in
# units.nix). Guide: docs/deploy.md.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkEnableOption mkIf mkMerge mkOption optional types;
  units = import ./units.nix;
  cfg = config.services.cairn;
  cairn = "${cfg.package}/bin/cairn";
  hostPort = types.strMatching "[^ ]+:[0-9]+";

  # A service of the cairn user: readiness, restarts, cgroup kill, hardening.
  service = { description, settings, args, path ? [ ], extra ? { } }: lib.recursiveUpdate {
    inherit description;
    wantedBy = [ "multi-user.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ];
    # systemd-notify tells systemd when cairn listens (Type=notify).
    path = [ config.systemd.package pkgs.git ] ++ path;
    serviceConfig = settings // {
      User = cfg.user;
      Group = cfg.group;
      ExecStart = units.execLine cairn args;
      RestartSec = "5s";
      TimeoutStopSec = "2min";
    };
  } extra;

  # The directory systemd creates for a home under /var/lib (StateDirectory=).
  stateDirectory = home: lib.removePrefix "/var/lib/" home;
  inStateDir = home: lib.hasPrefix "/var/lib/" home;
  # Directories outside /var/lib are made for the user (ReadWritePaths= needs them to exist).
  outsideStateDir = dirs: map (d: "d ${d} 0700 ${cfg.user} ${cfg.group} -") (builtins.filter (d: !inStateDir d) dirs);
  portOf = address: lib.toInt (lib.last (lib.splitString ":" address));
in
{
  options.services.cairn = {
    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The cairn package.";
    };
    user = mkOption { type = types.str; default = "cairn"; description = "The user every cairn service runs as (created unless it is another's)."; };
    group = mkOption { type = types.str; default = "cairn"; description = "Its group."; };

    node = {
      enable = mkEnableOption "the cairn node (cairn start): replication, indexing, the HTTP API and web UI";
      home = mkOption { type = types.str; default = "/var/lib/cairn/node"; description = "The node's home: identity (created on first start), feeds and views. Under /var/lib it is the unit's StateDirectory; elsewhere it must exist and belong to the user."; };
      name = mkOption { type = types.str; default = config.networking.hostName; defaultText = lib.literalExpression "config.networking.hostName"; description = "What a new identity signs as (first start only)."; };
      listen = mkOption { type = types.nullOr hostPort; default = null; example = "0.0.0.0:7421"; description = "Serve direct sync (TCP) here: runners and peers --connect to it."; };
      bootstrap = mkOption { type = types.listOf hostPort; default = [ ]; example = [ "10.0.0.1:49737" ]; description = "DHT bootstrap nodes: with any, the node joins the project swarm (never the public DHT)."; };
      reachable = mkOption { type = types.bool; default = false; description = "The host is behind no NAT or firewall on the lab network (peers reach its address directly): the swarm says so, so peers connect to it at once (cairn start --reachable). Set it on every node of a flat lab network."; };
      topic = mkOption { type = types.str; default = "default"; example = "linux-xfs"; description = "The swarm topic: the project's nodes meet there."; };
      http = mkOption { type = types.either (types.enum [ "off" ]) hostPort; default = "127.0.0.1:7420"; description = "Serve the HTTP API and web UI here, or \"off\"."; };
      httpAllowFrom = mkOption { type = types.listOf types.str; default = [ ]; example = [ "10.0.0.0/8" ]; description = "Let these remote addresses (ADDR[/BITS]) in; needs a non-loopback http address."; };
      policyFile = mkOption { type = types.nullOr types.path; default = null; description = "The merge policy (cairn policy set FILE), set at every start (unchanged is a no-op)."; };
      maintainer = {
        enable = mkEnableOption "publishing merge decisions and submitting the jobs the policy selects (cairn start --maintainer)";
        jobsRepo = mkOption { type = types.nullOr types.str; default = null; example = "https://git.example.org/linux.git"; description = "The repository auto-submitted jobs name."; };
        jobsTags = mkOption { type = types.listOf types.str; default = [ ]; example = [ "x86_64" ]; description = "The tags auto-submitted jobs carry."; };
      };
      openFirewall = mkOption { type = types.bool; default = false; description = "Open the sync port (TCP). The swarm holepunches UDP: see docs/deploy.md for the ports."; };
      extraArgs = mkOption { type = types.listOf types.str; default = [ ]; description = "More options for cairn start."; };
    };

    runner = {
      enable = mkEnableOption "a cairn runner (cairn runner start): runs the jobs of trusted maintainers whose tags it serves";
      home = mkOption { type = types.str; default = "/var/lib/cairn/runner"; description = "The runner's home: identity (created on first start) and the feeds it replicates."; };
      name = mkOption { type = types.str; default = "${config.networking.hostName}-runner"; defaultText = lib.literalExpression "\"\${config.networking.hostName}-runner\""; description = "What a new identity signs as."; };
      tags = mkOption { type = types.listOf types.str; example = [ "x86_64" "kvm" ]; description = "What this host serves; [] for untagged jobs only."; };
      jobs = mkOption { type = types.ints.positive; default = 1; description = "Jobs run at once."; };
      lease = mkOption { type = types.str; default = "10m"; description = "How long a claim holds before it is renewed."; };
      workdir = mkOption { type = types.str; default = "${cfg.runner.home}/work"; defaultText = lib.literalExpression "\"\${home}/work\""; description = "Where builds run; made writable for the service (ReadWritePaths)."; };
      connect = mkOption { type = types.listOf hostPort; default = [ ]; example = [ "10.0.0.2:7421" ]; description = "Nodes to replicate with (their --listen address)."; };
      listen = mkOption { type = types.nullOr hostPort; default = null; description = "Serve direct sync here."; };
      path = mkOption { type = types.listOf types.package; default = with pkgs; [ bash coreutils gnumake gcc git ]; defaultText = lib.literalExpression "with pkgs; [ bash coreutils gnumake gcc git ]"; description = "On PATH for builds: the lab's toolchain."; };
      kvm = mkOption { type = types.bool; default = false; description = "Let builds use /dev/kvm (they boot VMs)."; };
      extraArgs = mkOption { type = types.listOf types.str; default = [ ]; description = "More options for cairn runner start."; };
    };

    bootstrap = {
      enable = mkEnableOption "a DHT bootstrap node for the site (cairn bootstrap)";
      listen = mkOption { type = hostPort; example = "10.0.0.1:49737"; description = "The IPv4 address the other hosts reach this one by, and a fixed UDP port."; };
      openFirewall = mkOption { type = types.bool; default = false; description = "Open its UDP port."; };
    };
  };

  config = mkIf (cfg.node.enable || cfg.runner.enable || cfg.bootstrap.enable) (mkMerge [
    {
      users.users = mkIf (cfg.user == "cairn") {
        cairn = { isSystemUser = true; group = cfg.group; home = "/var/lib/cairn"; description = "cairn services"; };
      };
      users.groups = mkIf (cfg.group == "cairn") { cairn = { }; };
      environment.systemPackages = [ cfg.package ];
    }

    (mkIf cfg.node.enable {
      systemd.services.cairn-node = service {
        description = "cairn node";
        settings = units.strict;
        args = units.nodeArgs cfg.node;
        extra = {
          environment.HOME = cfg.node.home;
          preStart = units.prepareHome { inherit cairn; inherit (cfg.node) home name policyFile; };
          serviceConfig = {
            TimeoutStartSec = "10min";
            StateDirectory = mkIf (inStateDir cfg.node.home) (stateDirectory cfg.node.home);
            StateDirectoryMode = "0700";
            ReadWritePaths = optional (!inStateDir cfg.node.home) cfg.node.home;
          };
        };
      };
      systemd.tmpfiles.rules = outsideStateDir [ cfg.node.home ];
      networking.firewall.allowedTCPPorts = mkIf (cfg.node.openFirewall && cfg.node.listen != null) [ (portOf cfg.node.listen) ];
    })

    (mkIf cfg.runner.enable {
      systemd.services.cairn-runner = service {
        description = "cairn runner";
        settings = units.common;
        args = units.runnerArgs cfg.runner;
        inherit (cfg.runner) path;
        extra = {
          environment.HOME = cfg.runner.home;
          preStart = units.prepareHome { inherit cairn; inherit (cfg.runner) home name; };
          serviceConfig = {
            StateDirectory = mkIf (inStateDir cfg.runner.home) (stateDirectory cfg.runner.home);
            StateDirectoryMode = "0700";
            ReadWritePaths = optional (!inStateDir cfg.runner.home) cfg.runner.home
              ++ optional (!lib.hasPrefix "${cfg.runner.home}/" cfg.runner.workdir) cfg.runner.workdir;
            PrivateDevices = !cfg.runner.kvm;
            DeviceAllow = optional cfg.runner.kvm "/dev/kvm rw";
          };
        };
      };
      systemd.tmpfiles.rules = outsideStateDir [ cfg.runner.home cfg.runner.workdir ];
    })

    (mkIf cfg.bootstrap.enable {
      systemd.services.cairn-bootstrap = service {
        description = "cairn DHT bootstrap node";
        settings = units.strict;
        args = units.bootstrapArgs cfg.bootstrap;
      };
      networking.firewall.allowedUDPPorts = mkIf cfg.bootstrap.openFirewall [ (portOf cfg.bootstrap.listen) ];
    })
  ]);
}
