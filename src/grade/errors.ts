import { UserError } from '../errors.js';

/** A problem with the grading run the instructor can act on (bad PATH, busy output folder, no VM); shown as is. */
export class GradeError extends UserError {}
