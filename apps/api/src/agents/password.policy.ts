import { Injectable } from '@nestjs/common';
import { ErrorCode, LIMITS } from '@parley/contracts';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { AppError } from '../common/app-error';

/** Why zxcvbn found a password weak, in words a person can act on (its own texts come as keys). */
const REASONS: Record<string, string> = {
  topTen: 'is one of the most common passwords',
  topHundred: 'is a very common password',
  commonPasswords: 'is a common password',
  similarToCommon: 'is too close to a common password',
  wordByItself: 'is a single word',
  namesByThemselves: 'is a name',
  commonNames: 'is a common name',
  userInputs: 'contains your name or email',
  straightRow: 'is a row of keys',
  keyPattern: 'is a keyboard pattern',
  simpleRepeat: 'repeats characters',
  extendedRepeat: 'repeats a pattern',
  sequences: 'is a sequence',
  recentYears: 'is built on a year',
  dates: 'is built on a date',
  pwned: 'is a known leaked password',
};
/** zxcvbn's scale is 0..4; 3 is "safely unguessable" against an online attack with throttling. */
const MIN_SCORE = 3;

/**
 * The password rule for agents: at least LIMITS.passwordMin characters (the contract checks that)
 * and not guessable: not a common or leaked password, a keyboard pattern, a date, the person's own
 * name or email (zxcvbn-ts with its common-password dictionaries). The reason is in the error.
 */
@Injectable()
export class PasswordPolicy {
  private checker: ZxcvbnFactory | undefined;

  /** Throws VALIDATION_FAILED with the reason, naming `field` (the body's field that holds the password). */
  check(password: string, about: { email?: string; name?: string } = {}, field = 'password'): void {
    // Built on first use (its dictionaries take ~0.1 s to load); zxcvbn only looks at the first
    // 64 characters, so a long password costs no more CPU than a short one.
    this.checker ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs, maxLength: 64 });
    const inputs = [about.email, about.email?.split('@')[0], ...(about.name?.split(/\s+/) ?? [])].filter((x): x is string => Boolean(x));
    const result = this.checker.check(password, inputs);
    if (result.score >= MIN_SCORE) return;
    const reason = REASONS[result.feedback.warning ?? ''] ?? 'is too easy to guess';
    throw new AppError(ErrorCode.ValidationFailed, `This password ${reason}; use a longer mix of unrelated words`, [
      { path: field, message: `${reason}; at least ${LIMITS.passwordMin} characters, not a common password, pattern or your own name` },
    ]);
  }
}
