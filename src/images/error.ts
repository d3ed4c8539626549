import { UserError } from '../errors.js';

/** Bad input to `image add`/`image rm`: said on one line, with what to do next. */
export class ImageError extends UserError {}
