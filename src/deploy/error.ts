import { UserError } from '../errors.js';

/** Bad deploy input (arguments, class list): the message says what to fix and is shown as is. */
export class DeployError extends UserError {}
