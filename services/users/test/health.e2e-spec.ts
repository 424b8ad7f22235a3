import { describeServiceBasics } from '@spilno/service-testing';
import { AppModule } from '../src/app.module';

// The shared suites start the service with the common config; the users service reads its
// JWT settings from the environment then, as its main.ts does.
process.env.JWT_SECRET ??= 'users-service-tests-secret-at-least-32-chars';

describeServiceBasics('users', AppModule);
