import { approximateLocation, toProfileChanges } from './profile-changes';

describe('toProfileChanges', () => {
  it('keeps the fields present, null included, and drops absent ones', () => {
    expect(toProfileChanges({ displayName: 'Олена', region: null, district: undefined })).toEqual({
      displayName: 'Олена',
      region: null,
    });
  });

  it('orders availability by weekday, then start', () => {
    const changes = toProfileChanges({
      availability: [
        { day: 'sun', from: '10:00', to: '12:00' },
        { day: 'mon', from: '18:00', to: '20:00' },
        { day: 'mon', from: '08:00', to: '09:00' },
      ],
    });
    expect(changes.availability).toEqual([
      { day: 'mon', from: '08:00', to: '09:00' },
      { day: 'mon', from: '18:00', to: '20:00' },
      { day: 'sun', from: '10:00', to: '12:00' },
    ]);
  });

  it('stores the location rounded to about 1 km', () => {
    expect(toProfileChanges({ location: { lat: 48.464717, lng: 35.046183 } }).location).toEqual({
      lat: 48.46,
      lng: 35.05,
    });
    expect(toProfileChanges({ location: null }).location).toBeNull();
  });
});

describe('approximateLocation', () => {
  it('rounds both coordinates to 2 decimals', () => {
    expect(approximateLocation({ lat: 50.4501, lng: 30.5234 })).toEqual({ lat: 50.45, lng: 30.52 });
  });
});
