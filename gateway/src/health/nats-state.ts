import { Events, NatsConnection } from 'nats';

/**
 * Whether the NATS connection is up right now. nats.js reconnects by itself and reports it
 * only as status events, so this follows them; readiness answers 503 while it is down instead
 * of waiting out each service's timeout.
 */
export class NatsConnectionState {
  private up = true;

  constructor(private readonly connection: NatsConnection) {
    void this.follow();
  }

  get connected(): boolean {
    return this.up && !this.connection.isClosed();
  }

  private async follow(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === Events.Disconnect) this.up = false;
      else if (status.type === Events.Reconnect) this.up = true;
    }
  }
}
