// electron-builder afterPack hook (electron-builder.yml): flips Electron's fuses in the packed binary before it is
// signed. RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the shipped app into a plain Node that runs any script;
// EnableNodeCliInspectArguments off: --inspect cannot open it to a debugger. The bundled server runs through
// utilityProcess.fork, which needs neither. https://www.electronjs.org/docs/latest/tutorial/fuses
const path = require('node:path');
const { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } = require('@electron/fuses');
const { Arch } = require('electron-builder');

const FUSES_OFF = [FuseV1Options.RunAsNode, FuseV1Options.EnableNodeCliInspectArguments];
// A fuse's byte in the wire: ASCII '0' is off (@electron/fuses FuseState.DISABLE).
const OFF = '0'.charCodeAt(0);

/** The file holding the fuse wire, as electron-builder's own PlatformPackager.addElectronFuses finds it. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'linux') return path.join(appOutDir, packager.executableName);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
}

exports.default = async function flipElectronFuses(context) {
  const binary = electronBinary(context);
  const config = {
    version: FuseVersion.V1,
    // arm64 macOS refuses to start a binary whose ad-hoc signature no longer matches its bytes.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === Arch.arm64,
  };
  for (const fuse of FUSES_OFF) config[fuse] = false;
  await flipFuses(binary, config);
  // Read the wire back: a binary whose fuses did not take must not ship.
  const wire = await getCurrentFuseWire(binary);
  const stillOn = FUSES_OFF.filter((fuse) => wire[fuse] !== OFF).map((fuse) => FuseV1Options[fuse]);
  if (stillOn.length > 0) throw new Error(`fuses still on in ${binary}: ${stillOn.join(', ')}`);
};
