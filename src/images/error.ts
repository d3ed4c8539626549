/** Bad input to `image add`/`image rm`: said on one line, with what to do next. */
export class ImageError extends Error {}
