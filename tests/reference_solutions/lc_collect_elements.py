class Solution:
    def minOperations(self, nums: List[int], k: int) -> int:
        seen = set()
        for ops, x in enumerate(reversed(nums), start=1):
            if x <= k:
                seen.add(x)
            if len(seen) == k:
                return ops
        return len(nums)
