/** A problem with the grading run the instructor can act on (bad PATH, busy output folder, no VM); shown as is. */
export class GradeError extends Error {}

/** Bad `grade` arguments; the message is short and shown as is, with a pointer to --help. */
export class GradeUsageError extends GradeError {}
