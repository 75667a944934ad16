/**
 * Wi-Fi channel/frequency ranges and completion (SPEC §3.2, §4.6), plus the 6 GHz band
 * (DESIGN §7: 5925–7125 MHz, channels 1–233 on that band).
 *
 * 6 GHz channel numbers restart at 1, so a channel alone is read with Ichnaea's 2.4/4.9/5 GHz
 * rules and never implies 6 GHz; only a frequency can say a channel is on that band.
 */

export const MIN_WIFI_CHANNEL = 1;
export const MAX_WIFI_CHANNEL = 199;
export const MAX_WIFI_CHANNEL_6GHZ = 233;
export const MIN_WIFI_FREQUENCY = 2400;
/** Upstream's ceiling; DESIGN §7 raises the accepted range to the top of the 6 GHz band. */
export const MAX_WIFI_FREQUENCY_UPSTREAM = 5999;
export const MIN_6GHZ_FREQUENCY = 5925;
export const MAX_6GHZ_FREQUENCY = 7125;

/** Whether a frequency lies in the 6 GHz band (DESIGN §7). */
export function is6GHz(frequency: number): boolean {
  return frequency >= MIN_6GHZ_FREQUENCY && frequency <= MAX_6GHZ_FREQUENCY;
}

/** Frequency range check: upstream's 2400–5999 MHz joined with the 6 GHz band. */
export function isValidFrequency(frequency: number): boolean {
  return frequency >= MIN_WIFI_FREQUENCY && frequency <= MAX_6GHZ_FREQUENCY;
}

/** Channel range check; channels 200–233 exist only on 6 GHz, so they need its frequency. */
export function isValidChannel(channel: number, frequency: number | undefined): boolean {
  const max = frequency !== undefined && is6GHz(frequency) ? MAX_WIFI_CHANNEL_6GHZ : MAX_WIFI_CHANNEL;
  return channel >= MIN_WIFI_CHANNEL && channel <= max;
}

/** Ichnaea's channel → frequency (SPEC §3.2); undefined outside its bands. */
export function frequencyFromChannel(channel: number): number | undefined {
  if (channel > 0 && channel < 14) return channel * 5 + 2407;
  if (channel === 14) return 2484;
  if (channel > 14 && channel < 186) return channel * 5 + 5000;
  if (channel > 185 && channel < 200) return channel * 5 + 4000;
  return undefined;
}

/**
 * Frequency → channel: Ichnaea's strict-inequality bands (SPEC §3.2), then 6 GHz centre
 * frequencies 5955…7115 = 5950 + 5·ch. 5925 stays 5 GHz channel 185, as upstream's tests expect.
 */
export function channelFromFrequency(frequency: number): number | undefined {
  if (frequency > 2411 && frequency < 2473) return Math.floor((frequency - 2407) / 5);
  if (frequency === 2484) return 14;
  if (frequency > 4914 && frequency < 4996) return Math.floor((frequency - 4000) / 5);
  if (frequency > 5074 && frequency < 5926) return Math.floor((frequency - 5000) / 5);
  const offset = frequency - 5950;
  if (offset % 5 === 0) {
    const channel = offset / 5;
    if (channel >= MIN_WIFI_CHANNEL && channel <= MAX_WIFI_CHANNEL_6GHZ) return channel;
  }
  return undefined;
}
