import * as v from 'valibot';

/** lessons/manifest.json: the levels, in order. A lesson author's typo gets an error naming the field. */
export const LessonManifest = v.object({
  levels: v.array(
    v.object({
      id: v.pipe(v.string(), v.regex(/^\d\d$/, 'expected a two-digit level id, like "04"')),
      dir: v.pipe(v.string(), v.regex(/^[\w.-]+$/, 'expected a folder name in lessons/, like "04-chroot"')),
      title: v.pipe(v.string(), v.nonEmpty('expected a title')),
    }),
  ),
});
