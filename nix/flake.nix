# cairn as a flake. It lives in nix/ beside the NAR code; from a clone:
#   nix run ./nix -- --help          the CLI
#   nix build ./nix                  ./result/bin/cairn
#   nix develop ./nix                node 20 and git, for npm ci && npm test
# and for NixOS: inputs.cairn.url = "git+https://…?dir=nix", then
# imports = [ cairn.nixosModules.default ] (options: module.nix, guide: docs/deploy.md).
{
  description = "cairn: peer-to-peer patch series, builds, test results and merge policy";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAll (pkgs: {
        cairn = pkgs.callPackage ./package.nix { };
        default = self.packages.${pkgs.system}.cairn;
      });

      apps = forAll (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.system}.cairn}/bin/cairn";
        };
      });

      devShells = forAll (pkgs: {
        default = pkgs.mkShell {
          packages = [ pkgs.nodejs_20 pkgs.git ];
        };
      });

      nixosModules.default = { pkgs, lib, ... }: {
        imports = [ ./module.nix ];
        services.cairn.package = lib.mkDefault self.packages.${pkgs.system}.cairn;
      };
    };
}
