import { InFlightRequests } from './in-flight';

describe('InFlightRequests', () => {
  it('is drained at once when nothing is in flight', async () => {
    await expect(new InFlightRequests().drained(10_000)).resolves.toBe(true);
  });

  it('resolves when the last request ends', async () => {
    const inFlight = new InFlightRequests();
    inFlight.begin();
    inFlight.begin();
    const drained = inFlight.drained(10_000);

    inFlight.end();
    expect(inFlight.size).toBe(1);
    inFlight.end();

    await expect(drained).resolves.toBe(true);
  });

  it('gives up after the grace period when a request never ends', async () => {
    const inFlight = new InFlightRequests();
    inFlight.begin();

    await expect(inFlight.drained(20)).resolves.toBe(false);
  });
});
