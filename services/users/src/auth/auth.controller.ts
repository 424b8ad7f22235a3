import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthSession, Subjects } from '@spilno/contracts';
import { signedIn } from '../common/envelope';
import { AuthService } from './auth.service';
import { LoginRequest, RefreshTokenRequest, RegisterRequest } from './auth.dto';

/** Registration answers a session, so it lives with sign-in. */
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @MessagePattern(Subjects.users.register)
  register(@Payload() request: RegisterRequest): Promise<AuthSession> {
    return this.auth.register(request.data);
  }

  @MessagePattern(Subjects.users.login)
  login(@Payload() request: LoginRequest): Promise<AuthSession> {
    return this.auth.login(request.data);
  }

  @MessagePattern(Subjects.users.refresh)
  refresh(@Payload() request: RefreshTokenRequest): Promise<AuthSession> {
    return this.auth.refresh(request.data.refreshToken);
  }

  @MessagePattern(Subjects.users.logout)
  async logout(@Payload() request: RefreshTokenRequest): Promise<{ ok: true }> {
    await this.auth.logout(request.data.refreshToken, signedIn(request.meta));
    return { ok: true };
  }
}
