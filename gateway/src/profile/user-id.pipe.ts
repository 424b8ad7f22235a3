import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode, MAX_USER_ID_LENGTH } from '@spilno/contracts';

/**
 * A user id from the path: one longer than any id names nobody, so it is 404 like any other
 * unknown id (never 400: the caller learns nothing about what ids look like).
 */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (id.length > MAX_USER_ID_LENGTH) throw new DomainError(ErrorCode.NotFound, 'no such person');
    return id;
  }
}
