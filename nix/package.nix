# cairn built from package-lock.json: importNpmLock fetches every locked
# package by its integrity hash, so there is no npmDepsHash to keep in step.
{ lib, buildNpmPackage, importNpmLock, nodejs_20, makeWrapper, git }:

let
  src = lib.cleanSourceWith {
    src = ../.;
    # The built tree and local homes never go in: the build makes its own.
    filter = path: type:
      let name = baseNameOf path; in
      !(builtins.elem name [ "node_modules" "dist" ".cairn" "test-artifacts" ]) && lib.cleanSourceFilter path type;
  };
in
buildNpmPackage {
  pname = "cairn";
  version = (lib.importJSON ../package.json).version;
  inherit src;
  nodejs = nodejs_20;
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;
  # `npm run build`: tsc for the node and for the web UI.
  npmBuildScript = "build";
  nativeBuildInputs = [ makeWrapper ];

  # dist/ is git-ignored, so `npm pack` (the default install) would leave it
  # out: install the built tree as it is, without the dev dependencies.
  installPhase = ''
    runHook preInstall
    npm prune --omit=dev --no-save --offline
    mkdir -p $out/lib/cairn $out/bin
    cp -r package.json dist node_modules node protocol machines nix runners bridges $out/lib/cairn/
    makeWrapper ${nodejs_20}/bin/node $out/bin/cairn \
      --add-flags $out/lib/cairn/dist/node/cli/main.js \
      --prefix PATH : ${lib.makeBinPath [ git ]}
    runHook postInstall
  '';

  meta = {
    description = "Peer-to-peer patch series, builds, test results and merge policy for kernel-style projects";
    license = lib.licenses.asl20;
    mainProgram = "cairn";
    platforms = lib.platforms.linux;
  };
}
