import { describeServiceBasics } from '@spilno/service-testing';
import { AppModule } from '../src/app.module';

describeServiceBasics('donations', AppModule);
