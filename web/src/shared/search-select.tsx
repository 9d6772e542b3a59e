import { Select, type SelectProps } from 'antd';
import { useSearch } from './search';

/**
 * A Select whose search finds an option by its name, its pinyin or its initials (汤沟镇 by
 * 汤沟, tanggou or tg): the one picker of units, positions, people and scenarios.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function SearchSelect<V = any>(props: Omit<SelectProps<V>, 'showSearch' | 'optionFilterProp' | 'filterOption'>) {
  const search = useSearch();
  return <Select<V> {...props} showSearch={search} />;
}
