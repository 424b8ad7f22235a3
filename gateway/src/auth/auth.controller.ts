import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { anyone, authenticated, Policy } from '@spilno/auth';
import {
  AuthSession,
  LoginPayload,
  LogoutPayload,
  RefreshPayload,
  RegisterAccountPayload,
  RequestMeta,
  Subjects,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { ApiProblemResponse } from '../common/problem';
import { Meta } from '../common/request-meta.decorator';
import { AuthSessionDto, LoginDto, RefreshTokenDto, RegisterDto } from './auth.dto';
import { ClientIp } from './client-ip.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('register')
  @Policy(anyone)
  @ApiOperation({ summary: 'Create an account (role citizen) and sign in' })
  @ApiCreatedResponse({ type: AuthSessionDto })
  @ApiProblemResponse(400, 'Invalid input, or a common password')
  @ApiProblemResponse(409, 'An account with this email exists')
  @ApiProblemResponse(429, 'Too many attempts from this IP; `Retry-After` set')
  register(
    @Body() body: RegisterDto,
    @ClientIp() clientIp: string,
    @Meta() meta: RequestMeta,
  ): Promise<AuthSession> {
    return this.rpc.send<AuthSession, RegisterAccountPayload>(
      Subjects.users.register,
      { ...body, clientIp },
      { meta },
    );
  }

  @Post('login')
  @HttpCode(200)
  @Policy(anyone)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AuthSessionDto })
  @ApiProblemResponse(401, 'Wrong email or password (the same answer for both)')
  @ApiProblemResponse(429, 'Too many attempts for this account or IP; `Retry-After` set')
  login(
    @Body() body: LoginDto,
    @ClientIp() clientIp: string,
    @Meta() meta: RequestMeta,
  ): Promise<AuthSession> {
    return this.rpc.send<AuthSession, LoginPayload>(
      Subjects.users.login,
      { email: body.email, password: body.password, clientIp },
      { meta },
    );
  }

  @Post('refresh')
  @HttpCode(200)
  @Policy(anyone)
  @ApiOperation({ summary: 'Spend a refresh token for a new pair' })
  @ApiOkResponse({ type: AuthSessionDto })
  @ApiProblemResponse(401, 'Invalid, expired or replayed token (a replay revokes its family)')
  refresh(@Body() body: RefreshTokenDto, @Meta() meta: RequestMeta): Promise<AuthSession> {
    return this.rpc.send<AuthSession, RefreshPayload>(
      Subjects.users.refresh,
      { refreshToken: body.refreshToken },
      { meta },
    );
  }

  @Post('logout')
  @HttpCode(204)
  @Policy(authenticated)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Sign out: revoke the refresh token's family" })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblemResponse(401, 'No or invalid access token')
  async logout(@Body() body: RefreshTokenDto, @Meta() meta: RequestMeta): Promise<void> {
    await this.rpc.send<unknown, LogoutPayload>(
      Subjects.users.logout,
      { refreshToken: body.refreshToken },
      { meta },
    );
  }
}
