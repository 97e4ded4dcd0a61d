// Stops any npm script at once when Node is older than the project needs.
// Written in plain JS that even very old Node versions parse.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(
    `Parley needs Node.js >= 22.13 (24 LTS recommended, see .nvmrc); this is v${process.versions.node}. ` +
      'Get it with `nvm install 24`, or `npm install --prefix .tools node@24` and put .tools/node_modules/node/bin first on PATH.',
  );
  process.exit(1);
}
