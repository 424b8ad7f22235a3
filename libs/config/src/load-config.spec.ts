import { IsInt, Min } from 'class-validator';
import { CommonConfig, ServiceConfig } from './common.config';
import { ConfigError, loadConfig, loadConfigs } from './load-config';

class PortConfig extends CommonConfig {
  @IsInt()
  @Min(1)
  PORT: number = 3000;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const c = loadConfig(PortConfig, { PORT: '8080' });
    expect(c.PORT).toBe(8080);
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.RPC_TIMEOUT_MS).toBe(5000);
  });

  it('refuses bad values and names every wrong variable', () => {
    const attempt = () =>
      loadConfig(PortConfig, { PORT: 'abc', NATS_URL: 'http://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const text = (e as Error).message;
      expect(text).toMatch(/PORT=/);
      expect(text).toMatch(/NATS_URL="http:\/\/x"/);
      expect(text).toMatch(/LOG_LEVEL="loud"/);
    }
  });

  it('requires MONGODB_URI for services', () => {
    expect(() => loadConfig(ServiceConfig, {})).toThrow(/MONGODB_URI/);
    expect(loadConfig(ServiceConfig, { MONGODB_URI: 'mongodb://h:1/' }).MONGODB_URI).toBe(
      'mongodb://h:1/',
    );
  });

  it('reads the event stream replicas: 1 by default, 3 on a cluster, nothing else', () => {
    const uri = { MONGODB_URI: 'mongodb://h:1/' };
    expect(loadConfig(ServiceConfig, uri).EVENTS_STREAM_REPLICAS).toBe(1);
    expect(
      loadConfig(ServiceConfig, { ...uri, EVENTS_STREAM_REPLICAS: '3' }).EVENTS_STREAM_REPLICAS,
    ).toBe(3);
    expect(() => loadConfig(ServiceConfig, { ...uri, EVENTS_STREAM_REPLICAS: '2' })).toThrow(
      /EVENTS_STREAM_REPLICAS/,
    );
  });
});

describe('loadConfigs', () => {
  it('loads several classes from one environment and names the wrong variables of all', () => {
    const [port, service] = loadConfigs<[PortConfig, ServiceConfig]>([PortConfig, ServiceConfig], {
      PORT: '81',
      MONGODB_URI: 'mongodb://h:1/',
    });
    expect(port.PORT).toBe(81);
    expect(service.MONGODB_URI).toBe('mongodb://h:1/');
    expect(() => loadConfigs([PortConfig, ServiceConfig], { PORT: 'x' })).toThrow(
      /PORT=[\s\S]*MONGODB_URI/,
    );
  });
});
