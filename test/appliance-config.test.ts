import { describe, expect, it } from 'vitest';
import { parseApplianceConfig, REPO_ROOT } from '../appliance/config.ts';
import { isApplianceError } from '../appliance/errors.ts';

describe('appliance configuration', () => {
  it('defaults: 127.0.0.1:8080, var/appliance.db, 250 ms masks, JPEG q80; frozen', () => {
    const c = parseApplianceConfig({ POCUS_RUNTIME_DIR: '/run/pocus' });
    expect(c).toMatchObject({
      httpHost: '127.0.0.1',
      httpPort: 8080,
      dbPath: `${REPO_ROOT}/var/appliance.db`,
      maxMaskAgeMs: 250,
      frameEncoding: 'jpeg',
      jpegQuality: 80,
      controlTimeoutMs: 2000,
      uiDir: `${REPO_ROOT}/dist/ui`,
      endpoints: {
        frames: 'ipc:///run/pocus/frames.sock',
        results: 'ipc:///run/pocus/results.sock',
        control: 'ipc:///run/pocus/control.sock',
      },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the environment', () => {
    const c = parseApplianceConfig({
      POCUS_HTTP_HOST: '0.0.0.0',
      POCUS_HTTP_PORT: '0',
      POCUS_DB_PATH: '/data/a.db',
      POCUS_MAX_MASK_AGE_MS: '120',
      POCUS_FRAME_ENCODING: 'raw',
      POCUS_CONTROL_ENDPOINT: 'tcp://10.0.0.2:5557',
    });
    expect(c).toMatchObject({
      httpHost: '0.0.0.0',
      httpPort: 0,
      dbPath: '/data/a.db',
      maxMaskAgeMs: 120,
      frameEncoding: 'raw',
    });
    expect(c.endpoints.control).toBe('tcp://10.0.0.2:5557');
  });

  it('refuses bad values with CONFIG_INVALID', () => {
    for (const env of [
      { POCUS_HTTP_PORT: '70000' },
      { POCUS_HTTP_PORT: 'x' },
      { POCUS_MAX_MASK_AGE_MS: '0' },
      { POCUS_FRAME_ENCODING: 'webp' },
      { POCUS_JPEG_QUALITY: '101' },
      { POCUS_FRAMES_ENDPOINT: 'http://nope' },
      { POCUS_HTTP_HOST: ' ' },
    ]) {
      let error: unknown;
      try {
        parseApplianceConfig(env);
      } catch (e) {
        error = e;
      }
      expect(isApplianceError(error, 'CONFIG_INVALID'), JSON.stringify(env)).toBe(true);
    }
  });
});
