import { describe, expect, it } from 'vitest';
import { replaceCards } from '../web/src/features/board/cards.js';

/*
 * The board's cards after it loaded every page again (web/src/features/board/cards.ts), as it does
 * after the live stream reconnected: the loaded set replaces the one held, and only the cards that
 * came, went or changed are told.
 */
describe('replacing the board’s cards with a complete load', () => {
  type Card = { id: string; incident: { status: string; headcount: number } };
  const card = (id: string, headcount = 5, status = 'open'): Card => ({ id, incident: { status, headcount } });
  const byId = (...cards: Card[]) => new Map(cards.map((c) => [c.id, c]));

  it('drops incidents no longer loaded, adds new ones, and updates changed ones', () => {
    const held = byId(card('a'), card('b'), card('c'));
    const { cards, changed } = replaceCards(held, byId(card('a'), card('b', 40), card('d')));
    expect([...cards.keys()]).toEqual(['a', 'b', 'd']);
    expect(cards.get('b')!.incident.headcount).toBe(40);
    expect(changed.sort()).toEqual(['b', 'c', 'd']);
  });

  it('keeps the object of a card that reads the same, so its view renders nothing', () => {
    const a = card('a');
    const { cards, changed } = replaceCards(byId(a), byId(card('a')));
    expect(cards.get('a')).toBe(a);
    expect(changed).toEqual([]);
  });

  it('an empty load empties the board', () => {
    const { cards, changed } = replaceCards(byId(card('a'), card('b', 5, 'cleared')), new Map<string, Card>());
    expect(cards.size).toBe(0);
    expect(changed.sort()).toEqual(['a', 'b']);
  });
});
