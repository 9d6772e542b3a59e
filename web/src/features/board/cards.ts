/**
 * The board's cards after a complete load (every page) took the place of those held: only the
 * loaded ones stay (an incident no longer on the board leaves it), and a card that reads the same
 * as before keeps its object, so its view has nothing to render. `changed` names every card that
 * came, went or reads differently: the ones whose listeners are told.
 */
export function replaceCards<C extends { id: string }>(held: ReadonlyMap<string, C>, loaded: ReadonlyMap<string, C>): { cards: Map<string, C>; changed: string[] } {
  const cards = new Map<string, C>();
  const changed: string[] = [];
  for (const [id, card] of loaded) {
    const before = held.get(id);
    const same = before !== undefined && (before === card || JSON.stringify(before) === JSON.stringify(card));
    cards.set(id, same ? before : card);
    if (!same) changed.push(id);
  }
  for (const id of held.keys()) if (!loaded.has(id)) changed.push(id);
  return { cards, changed };
}
