import { Controller, Get } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError, Principal } from '@spilno/contracts';
import { loadConfig } from '@spilno/config';
import { AuthConfig } from './auth.config';
import { AuthenticationGuard, CurrentPrincipal, PoliciesGuard } from './guards';
import { AccessTokenVerifier, signAccessToken } from './jwt';
import { anyone, authenticated, can, hasRole, Policy } from './policy';

const config = loadConfig(AuthConfig, { JWT_SECRET: 'guards-spec-secret-long-enough-for-hs256' });

@Controller()
class ProbeController {
  @Get('public')
  @Policy(anyone)
  open(@CurrentPrincipal() principal: Principal | null) {
    return { userId: principal?.userId ?? null };
  }

  @Get('signed-in')
  @Policy(authenticated)
  signedIn(@CurrentPrincipal() principal: Principal | null) {
    return { userId: principal?.userId ?? null };
  }

  @Get('new-initiative')
  @Policy(can('create', 'Initiative'))
  newInitiative() {
    return {};
  }

  @Get('admin')
  @Policy(authenticated, hasRole('admin'))
  adminOnly() {
    return {};
  }

  @Get('undeclared')
  undeclared() {
    return {};
  }
}

describe('AuthenticationGuard and PoliciesGuard', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(config) },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PoliciesGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    // Stand-in for the gateway's problem filter: report the DomainError code as the status.
    app.useGlobalFilters({
      catch(exception: unknown, host) {
        const code = exception instanceof DomainError ? exception.code : 'other';
        host.switchToHttp().getResponse().status(418).send({ code });
      },
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  async function call(path: string, principal?: Principal, header?: string) {
    const token = principal ? await signAccessToken(principal, config) : undefined;
    const authorization = header ?? (token ? `Bearer ${token}` : undefined);
    const res = await app.inject({
      method: 'GET',
      url: path,
      headers: authorization ? { authorization } : {},
    });
    return { status: res.statusCode, body: res.json() as unknown };
  }

  const citizen: Principal = { userId: 'u1', roles: ['citizen'], memberships: [] };
  const coordinator: Principal = {
    userId: 'u2',
    roles: ['citizen'],
    memberships: [{ organizationId: 'orgA', role: 'coordinator' }],
  };

  it('lets anonymous callers through public routes', async () => {
    const res = await call('/public');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: null });
  });

  it('builds the principal from a valid bearer token', async () => {
    const res = await call('/signed-in', citizen);
    expect(res.body).toEqual({ userId: 'u1' });
  });

  it('answers unauthenticated to anonymous callers of user routes', async () => {
    expect((await call('/signed-in')).body).toEqual({ code: 'unauthenticated' });
  });

  it('answers unauthenticated to a bad token, even on a public route', async () => {
    expect((await call('/public', undefined, 'Bearer a.b.c')).body).toEqual({
      code: 'unauthenticated',
    });
    expect((await call('/public', undefined, 'Basic dXNlcjpwYXNz')).body).toEqual({
      code: 'unauthenticated',
    });
  });

  it('answers forbidden to a signed-in caller the policy excludes', async () => {
    expect((await call('/new-initiative', citizen)).body).toEqual({ code: 'forbidden' });
    expect((await call('/new-initiative', coordinator)).status).toBe(200);
    expect((await call('/admin', coordinator)).body).toEqual({ code: 'forbidden' });
  });

  it('refuses routes that declare no policy (default deny)', async () => {
    expect((await call('/undeclared', citizen)).body).toEqual({ code: 'forbidden' });
  });
});
