// Electron Forge: how the desktop app is built, run (`npm start`) and packaged (`npm run make`).
// Laid out like Forge's vite-typescript template; every entry point is declared here once.
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';

const appIcon = 'src/renderer/public/icon';

const config: ForgeConfig = {
  packagerConfig: {
    asar: true,
    name: 'Parley',
    executableName: 'parley',
    // The app's icon, drawn from icon.svg by scripts/make-icons.mjs: the packager adds .ico
    // (Windows) or .icns (macOS); on Linux the window icon (src/main/appIcon.ts) and the .deb's
    // icon below show it.
    icon: appIcon,
    // Ship only the Vite bundles (as the Vite plugin's default does), minus web mode's build.
    ignore: (file: string) => file !== '' && !/^\/\.vite($|\/build|\/renderer)/.test(file),
  },
  rebuildConfig: {},
  makers: [
    new MakerZIP({}),
    new MakerDeb({
      options: {
        name: 'parley',
        productName: 'Parley',
        categories: ['Network'],
        icon: `${appIcon}.png`,
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      // Main process and preload bundles (plugin-vite 8 emits `main.cjs` and `preload.cjs`).
      build: [
        { entry: 'src/main/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'src/preload/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [
        { name: 'main_window', config: 'vite.renderer.config.ts' },
        { name: 'inspector_window', config: 'vite.viz.config.ts' },
      ],
    }),
    // Fuses flip Electron features off at package time, before code signing.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;
