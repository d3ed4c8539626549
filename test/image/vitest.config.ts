import { defineConfig } from 'vitest/config';

// The classroom image's end-to-end test: `npm run test:image` builds the image first. Not part of `npm test`:
// the build takes minutes, and needs mmdebstrap, buildah, podman and chromium.
export default defineConfig({
  test: {
    name: 'image',
    include: ['test/image/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 15 * 60 * 1000,
    hookTimeout: 5 * 60 * 1000,
  },
});
