import * as v from 'valibot';

/**
 * lessons/manifest.json: the levels, in order, then each pack's (a folder of levels with a manifest.json of
 * its own). A lesson author's typo gets an error naming the field; src/lessons.ts checks the rest (ids used
 * once, folders that exist).
 */
export const LessonManifest = v.strictObject({
  levels: v.array(
    v.strictObject({
      id: v.pipe(v.string(), v.regex(/^\d\d$/, 'expected a two-digit level id, like "04"')),
      dir: v.pipe(v.string(), v.regex(/^[\w.-]+$/, 'expected a folder name in lessons/, like "04-chroot"')),
      title: v.pipe(v.string(), v.nonEmpty('expected a title')),
    }),
  ),
  packs: v.optional(v.array(v.string())),
});
