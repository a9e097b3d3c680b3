# Evaluates nix/module.nix without nixpkgs (none is available offline here):
# a stub `lib` with just what the module uses, a stub `pkgs`, and `config`
# given as the values the options would take. Prints the option names and
# the services the module defines (nix-instantiate --eval --strict --json).
{ moduleFile, cfg }:
let
  stubType = name: { _type = "type"; inherit name; };
  merge = a: b:
    if builtins.isAttrs a && builtins.isAttrs b && !(a ? _type) && !(b ? _type)
    then a // builtins.mapAttrs (k: v: if a ? ${k} then merge a.${k} v else v) b
    else if builtins.isList a && builtins.isList b then a ++ b
    else b;
  # mkIf/mkMerge resolved at once, as the module system would for these values.
  resolve = v:
    if builtins.isAttrs v && (v._type or null) == "if" then (if v.condition then resolve v.content else { })
    else if builtins.isAttrs v && (v._type or null) == "merge" then builtins.foldl' merge { } (map resolve v.contents)
    else if builtins.isAttrs v && !(v ? _type) then builtins.mapAttrs (_: resolve) (builtins.removeAttrs v (builtins.filter (k: let x = v.${k}; in builtins.isAttrs x && (x._type or null) == "if" && !x.condition) (builtins.attrNames v)))
    else v;
  lib = {
    mkOption = decl: decl // { _type = "option"; };
    mkEnableOption = what: { _type = "option"; description = "Whether to enable ${what}."; default = false; };
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    mkMerge = contents: { _type = "merge"; inherit contents; };
    mkDefault = v: v;
    optional = cond: v: if cond then [ v ] else [ ];
    recursiveUpdate = merge;
    literalExpression = text: { _type = "literalExpression"; inherit text; };
    hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
    removePrefix = p: s: if lib.hasPrefix p s then builtins.substring (builtins.stringLength p) (-1) s else s;
    splitString = sep: s: builtins.filter builtins.isString (builtins.split sep s);
    last = l: builtins.elemAt l (builtins.length l - 1);
    toInt = builtins.fromJSON;
    types = {
      str = stubType "str"; bool = stubType "bool"; path = stubType "path"; package = stubType "package";
      ints.positive = stubType "positive";
      strMatching = re: stubType "strMatching ${re}";
      nullOr = t: stubType "nullOr"; listOf = t: stubType "listOf"; either = a: b: stubType "either"; enum = vs: stubType "enum";
    };
  };
  pkgs = builtins.listToAttrs (map (n: { name = n; value = "/stub/${n}"; }) [ "bash" "coreutils" "gnumake" "gcc" "git" ])
    // { callPackage = _: _: "/stub/cairn"; };
  config = { services.cairn = cfg; networking.hostName = "lab1"; systemd.package = "/stub/systemd"; };
  module = import moduleFile { inherit config lib pkgs; };
  optionNames = builtins.mapAttrs (_: v: if v ? _type then "option" else builtins.mapAttrs (_: w: if w ? _type then "option" else builtins.attrNames w) v) module.options.services.cairn;
in
{
  options = optionNames;
  config = resolve module.config;
}
